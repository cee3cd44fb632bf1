import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'test/**/*.test.ts', 'infra/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/global-setup.ts'],
        },
      },
      'web/vitest.config.ts',
    ],
  },
});
