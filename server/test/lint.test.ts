// The store is async: a call nobody awaits compiles, but its write may land after the answer and its error goes
// nowhere. `npm run lint` (eslint: no-floating-promises, no-misused-promises, await-thenable) finds them; the suite
// runs it so that CI does too.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

it('has no floating or misused promises in server, tests and scripts', async () => {
  const eslint = path.join(root, 'node_modules', '.bin', 'eslint');
  const r = await promisify(execFile)(eslint, [], { cwd: root, maxBuffer: 16 * 2 ** 20 }).then(
    ({ stdout }) => ({ ok: true, out: stdout }),
    (err: { stdout?: string; stderr?: string; message: string }) => ({ ok: false, out: `${err.stdout ?? ''}${err.stderr ?? err.message}` }),
  );
  expect(r.out.trim()).toBe('');
  expect(r.ok).toBe(true);
}, 180_000);
