#!/usr/bin/env node
// The whole suite: build the web app (the e2e tests drive the built app), then every vitest project.
// Prints one plain "N passed, N failed, N skipped" line at the end for CI logs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });

// The store, API and job tests run a second time on PostgreSQL when one is reachable (vitest.config.ts).
const pgUrl = process.env.POPPY_TEST_DATABASE_URL ?? 'postgres://poppy:poppy@127.0.0.1:5432/poppy';
const pgProblem = await probePostgres(pgUrl);
if (pgProblem === null) process.env.POPPY_TEST_POSTGRES = '1';
else if (process.env.POPPY_REQUIRE_POSTGRES === '1') {
  console.error(`PostgreSQL is required (POPPY_REQUIRE_POSTGRES=1) but ${pgUrl.replace(/:[^:@/]*@/, ':***@')} is not reachable: ${pgProblem}`);
  process.exit(1);
} else {
  console.warn(`PostgreSQL tests skipped: ${pgUrl.replace(/:[^:@/]*@/, ':***@')} is not reachable (${pgProblem}). Set POPPY_TEST_DATABASE_URL, or POPPY_REQUIRE_POSTGRES=1 to fail instead.`);
}

const build = run('npm', ['run', '-s', 'build']);
if (build.status !== 0) process.exit(build.status ?? 1);

const report = path.join(root, 'test-artifacts', 'vitest.json');
fs.mkdirSync(path.dirname(report), { recursive: true });
const extra = process.argv.slice(2);
const tests = run(path.join(root, 'node_modules', '.bin', 'vitest'), [
  'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra,
]);
try {
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
} catch {
  console.log('\n(no vitest JSON report was written)');
}
process.exit(tests.status ?? 1);

async function probePostgres(url) {
  try {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.query('SELECT 1');
    await c.end();
    return null;
  } catch (err) {
    return err.message || String(err);
  }
}
