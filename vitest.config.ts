import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // Simulated hosts made by createHost (the CLI's, the app's) play in simulated time, not real time.
    env: { EGPU_WIZARD_SIM_CLOCK: 'instant' },
  },
});
