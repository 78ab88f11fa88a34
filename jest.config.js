/**
 * One runner, three projects: pure/unit specs next to the code, integration specs on real
 * SQLite + MariaDB, and e2e specs (supertest, full app) on both databases.
 */
// jose (and @apidevtools/json-schema-ref-parser, under the OpenAPI validator) ship ES modules
// only: Node 20.19+ requires them as they are, Jest needs them compiled
const ESM_ONLY = '(jose|@apidevtools/json-schema-ref-parser)';
const transform = { '^.+\\.ts$': ['@swc/jest'], [`/node_modules/${ESM_ONLY}/.+\\.js$`]: ['@swc/jest'] };
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
};

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
