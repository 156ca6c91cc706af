import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED_DIR = path.resolve(process.env.POPPY_SHARED_DIR ?? path.join(REPO_ROOT, '../shared'));
export const HAS_SHARED = fs.existsSync(path.join(SHARED_DIR, 'data', 'MANIFEST.tsv'));
export const REQUIRE_SHARED = process.env.POPPY_REQUIRE_SHARED === '1';

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/**
 * describe() for suites that read ../shared: skipped with a printed reason when the data is absent,
 * and a hard failure when POPPY_REQUIRE_SHARED=1 (CI).
 */
export function describeWithShared(name: string, fn: () => void): void {
  if (HAS_SHARED) {
    describe(name, fn);
    return;
  }
  if (REQUIRE_SHARED) {
    describe(name, () => {
      throw new Error(`POPPY_REQUIRE_SHARED=1 but the shared data is missing at ${SHARED_DIR}`);
    });
    return;
  }
  console.warn(`[skip] "${name}": needs ../shared data, not found at ${SHARED_DIR} (set POPPY_SHARED_DIR)`);
  describe.skip(name, fn);
}
