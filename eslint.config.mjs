// @ts-check
/**
 * Type-aware lint (STYLE §11) with the layers of STYLE §1 as rules: no folder of src/ imports
 * one above it; the protocol core imports no framework or driver; features never import each
 * other (bulk/ and search/ may call the Users and Groups services); persistence never imports
 * Nest.
 */
import tseslint from 'typescript-eslint';

const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'express', 'fastify', 'mysql2', 'better-sqlite3', 'passport*'];

/**
 * The layers of src/, lowest first. A folder may import its own layer and those below; the
 * adapters of one layer (auth, audit, events, persistence) do not import each other.
 */
const LAYERS = [
  ['core'],
  ['auth', 'audit', 'events', 'persistence', 'observability'],
  ['scim'],
  ['admin'],
  ['library'],
  ['server'],
];

/** Extra bans per folder, on top of the layer rule. */
const EXTRA = {
  core: [
    { group: FRAMEWORKS, message: 'core is the pure protocol engine: no framework or driver imports' },
    { group: ['node:*', 'fs', 'net', 'http'], message: 'core does no I/O' },
  ],
  persistence: [{ group: ['@nestjs/*'], message: 'persistence implements core ports with TypeORM only' }],
};

/** Matches a relative import of src/<folder>/... from anywhere under src/ (never a package). */
const folderPattern = (folder) => [`../${folder}`, `../${folder}/**`, `../**/${folder}/**`, `../**/${folder}`];

function layerRules() {
  const configs = [];
  LAYERS.forEach((layer, i) => {
    const above = LAYERS.slice(i + 1).flat();
    for (const folder of layer) {
      const siblings = layer.length > 1 ? layer.filter((f) => f !== folder) : [];
      const banned = [...above, ...siblings];
      const patterns = [
        ...(EXTRA[folder] ?? []),
        ...banned.map((b) => ({
          group: folderPattern(b),
          message: `src/${folder} sits below src/${b} (or beside it): it must not import it (see docs/design/architecture.md)`,
        })),
      ];
      configs.push({
        files: [`src/${folder}/**/*.ts`],
        ignores: ['src/**/*.spec.ts'],
        rules: { 'no-restricted-imports': ['error', { patterns }] },
      });
    }
  });
  // within scim/: the resource features do not import each other (bulk/ and search/ may call them)
  for (const [feature, others] of [['users', 'groups'], ['groups', 'users']]) {
    configs.push({
      files: [`src/scim/${feature}/**/*.ts`],
      ignores: ['src/**/*.spec.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...LAYERS.slice(3).flat().map((b) => ({ group: folderPattern(b), message: `scim must not import src/${b}` })),
              { group: folderPattern('persistence'), message: 'resource features reach storage through core ports only' },
              { group: [`../${others}/**`, '../bulk/**'], message: 'features do not import each other' },
            ],
          },
        ],
      },
    });
  }
  return configs;
}

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
  // The layers (STYLE §1): each top folder of src/ imports only folders below it. Specs may
  // reach across (a test wires what it tests), so they are left out.
  ...layerRules(),
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
