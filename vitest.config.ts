import { defineConfig } from 'vitest/config';

// The store, API and job tests once more against PostgreSQL (scripts/test.mjs sets POPPY_TEST_POSTGRES=1 when one is
// reachable at POPPY_TEST_DATABASE_URL; .ci/run starts one and requires it).
const POSTGRES_TESTS = [
  'test/api-*.test.ts',
  'test/auth.test.ts',
  'test/auth-audit.test.ts',
  'test/auth-matrix.test.ts',
  'test/crash.test.ts',
  'test/export-lang.test.ts',
  'test/field-api.test.ts',
  'test/field-sheets-season.test.ts',
  'test/flight-reprocess.test.ts',
  'test/frame-queue.test.ts',
  'test/hardening-auth.test.ts',
  'test/hardening-http.test.ts',
  'test/jobs-*.test.ts',
  'test/learning-data.test.ts',
  'test/learning-scale.test.ts',
  'test/learning-versions.test.ts',
  'test/models-api.test.ts',
  'test/security-hostile.test.ts',
  'test/security-hygiene.test.ts',
  'test/sites-module.test.ts',
  'test/snap-api.test.ts',
  'test/store-*.test.ts',
  'test/scale-*.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      'server',
      'web',
      'web/e2e',
      ...(process.env.POPPY_TEST_POSTGRES === '1'
        ? [
            {
              // not `extends` of server/vitest.config.ts: its include would be merged with this one (every file twice)
              root: './server',
              test: {
                name: 'server-postgres',
                include: POSTGRES_TESTS,
                environment: 'node' as const,
                testTimeout: 60_000,
                hookTimeout: 120_000,
                fileParallelism: false,
                env: { POPPY_TEST_BACKEND: 'postgres' },
                globalSetup: ['test/helpers/postgresSetup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
