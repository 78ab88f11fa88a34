// @ts-check
/**
 * Type-aware lint (STYLE §11) with the folder boundaries of STYLE §1 as rules: the protocol
 * core imports no framework or driver; features never import each other (bulk/ and search/
 * may call the Users and Groups services); persistence never imports Nest features.
 */
import tseslint from 'typescript-eslint';

const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'express', 'fastify', 'mysql2', 'better-sqlite3', 'passport*'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: FRAMEWORKS, message: 'core is the pure protocol engine: no framework or driver imports' },
            { group: ['node:*', 'fs', 'net', 'http'], message: 'core does no I/O' },
            { group: ['**/persistence/**', '**/auth/**', '**/shared/**', '**/users/**', '**/groups/**'], message: 'core imports only core' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/persistence/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*'], message: 'persistence implements core ports with TypeORM only' },
            { group: ['**/scim/users/**', '**/scim/groups/**', '**/scim/shared/**', '**/scim/bulk/**'], message: 'persistence never imports features' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/scim/users/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/groups/**', '**/bulk/**', '**/persistence/**'], message: 'features do not import each other or persistence' }] }],
    },
  },
  {
    files: ['src/scim/groups/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/users/**', '**/bulk/**', '**/persistence/**'], message: 'features do not import each other or persistence' }] }],
    },
  },
  {
    // the example host uses the library only through its public entry point, as a package user would
    files: ['examples/**/*.ts'],
    ignores: ['examples/host-app/src/scim-nest.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src/**', '../../../src/*'], message: 'import the library through ./scim-nest (its public API)' }] },
      ],
    },
  },
);
