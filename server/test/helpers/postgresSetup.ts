/**
 * Global setup of the server-postgres project: test schemas (named <kind>_<pid>_<random>) whose process is gone — an
 * interrupted run — are dropped, before and after. Those of a run still going (another terminal) are left alone.
 */
import pg from 'pg';

const url = process.env.POPPY_TEST_DATABASE_URL ?? 'postgres://poppy:poppy@127.0.0.1:5432/poppy';

async function dropTestSchemas(): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^(t|parity|scale)_[0-9]+_'`);
    for (const r of rows) {
      const pid = Number(r.nspname.split('_')[1]);
      if (!alive(pid)) await c.query(`DROP SCHEMA IF EXISTS ${r.nspname} CASCADE`);
    }
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function setup(): Promise<() => Promise<void>> {
  await dropTestSchemas();
  return dropTestSchemas;
}
