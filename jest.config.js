/**
 * Unit tests are pure; integration tests run the real local services (Azurite, devhost, simulator) over real sockets.
 * One Azurite serves the whole run (tests/support/global-setup.ts); test files isolate by unique names.
 */
const os = require('node:os');

/**
 * Jest's default is one worker per core minus one: a single worker on the 2-core CI machine, where the integration
 * files spend most of their time waiting on real timers (alert times, presence caches, the simulator's delays) rather
 * than on the CPU. Two or more files at once halve the wall time; every file starts its own devhost and simulator on
 * free ports with its own task hub, storage queues and tenant, so they do not share state (only Azurite). At most
 * four: each file is several processes. `JEST_MAX_WORKERS` (or `--maxWorkers`) overrides.
 */
const maxWorkers = Number(process.env.JEST_MAX_WORKERS) || Math.min(4, Math.max(2, os.cpus().length - 1));
const tsJest = ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }];
/**
 * jose 6 ships ES modules only. Node (20.19+) requires them natively; Jest's module system cannot before Node 24.9,
 * so its files are compiled to CommonJS for the tests (they are plain JavaScript; ts-jest only transpiles them).
 */
const esmOnly = ['jose'];
const esmTransform = {
  [`node_modules/(?:${esmOnly.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { isolatedModules: true, tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' } },
  ],
};
const transformIgnorePatterns = [`/node_modules/(?!(?:${esmOnly.join('|')})/)`];
module.exports = {
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  // Integration tests start processes and wait on real timers; unit tests finish long before this.
  testTimeout: 180000,
  maxWorkers,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/unit'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/integration'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
    },
    {
      // The portal in Debian's Chromium (playwright-core), against the whole system.
      displayName: 'browser',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/browser'],
      transform: { '^.+\\.ts$': tsJest, ...esmTransform },
      transformIgnorePatterns,
    },
  ],
};
