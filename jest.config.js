/**
 * One runner, three projects: pure/unit specs next to the code, integration specs on real
 * SQLite + MariaDB, and e2e specs (supertest, full app) on both databases.
 */
const transform = { '^.+\\.ts$': ['@swc/jest'] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.js',
    },
  ],
  // e2e suites create databases and start the app; unit specs finish far below this
  testTimeout: 60000,
};
