#!/usr/bin/env node
// The whole suite: build the web app (the e2e tests drive the built app), then every vitest project.
// Prints one plain "N passed, N failed, N skipped" line at the end for CI logs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });

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
