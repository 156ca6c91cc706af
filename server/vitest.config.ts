import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // onnxruntime + sharp already use both cores; parallel files only fight for them.
    fileParallelism: false,
  },
});
