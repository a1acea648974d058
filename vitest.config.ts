import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['test/harness/temp-root.ts'],
          // Some unit tests spawn processes (state and audit writers, the MCP stdio server): on a
          // loaded 2-core machine 5 s is not enough to start them. A harness limit, not a speed target.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // temp-root first: its clean-up runs last, after the engines are stopped and unmounted.
          globalSetup: ['test/harness/temp-root.ts', 'test/harness/global-setup.ts'],
          // The engines are shared; files in turn keep `docker system df` comparisons exact.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
