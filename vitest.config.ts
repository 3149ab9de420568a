import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Hang guards, not speed limits: the fuzz and property tests do a fixed amount of work, which takes
    // several times longer on a machine whose cores are busy with other things.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // Simulated hosts made by createHost (the CLI's, the app's) play in simulated time, not real time.
    env: { EGPU_WIZARD_SIM_CLOCK: 'instant' },
  },
});
