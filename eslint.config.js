// Lint: typed typescript-eslint rules for async bugs and the import direction of DESIGN.md
//   protocol ← core ← {store, push, pki, http, jobs, cli} ← main.ts      web → src/shared
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layer = (from, forbidden, why) => ({
  files: [`src/${from}/**/*.ts`],
  // Tests compose real adapters to exercise a layer; the arrows bind production code.
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: forbidden, message: why }],
    }],
  },
});

const adapters = ['**/store/**', '**/push/**', '**/pki/**', '**/http/**', '**/jobs/**', '**/cli/**', '**/main.js'];
const coreWhy = 'core/ is the domain: it works through ports and never imports an adapter (store, http, push, pki, jobs, cli) or a driver.';
const webWhy = 'web/ runs in the browser: it imports only src/shared (API types) and browser npm packages, never server code, which would leak into the bundle and break the layering.';
const drivers = ['fastify', '@fastify/*', 'kysely', 'pg', 'better-sqlite3', 'node:http', 'node:https', 'node:http2', 'node:net', 'node:fs', 'node:fs/promises'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', 'scripts/*.mjs', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Fastify handlers and plugins are async by contract, awaited or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  layer('protocol', ['**/core/**', ...adapters, ...drivers.filter((d) => !d.startsWith('node:fs'))],
    'protocol/ is pure codecs and types: it imports nothing from the rest of Steward and does no I/O.'),
  // core/push (the push ports and use cases) is core, not the push/ adapter, but both are "push/"
  // to a pattern: core/push is ./push/ from src/core/*.ts and ../push/ from src/core/<capability>/,
  // where the adapter is ../push/ and ../../push/. The second entry closes ../push/ again at the top.
  layer('core', [...adapters, ...drivers, '!./push/**', '!../push/**'], coreWhy),
  { ...layer('core', [...adapters, ...drivers, '!./push/**'], coreWhy), files: ['src/core/*.ts'] },
  layer('store', ['**/http/**', '**/push/**', '!**/core/push/**', '**/jobs/**', '**/cli/**', '**/main.js', 'fastify', '@fastify/*'],
    'store/ implements core ports with SQL; it knows nothing of HTTP, push, jobs or the CLI.'),
  layer('pki', ['**/http/**', '**/store/**', '**/jobs/**', '**/cli/**', '**/main.js', 'fastify', 'kysely'],
    'pki/ implements the certificate authority port; it knows nothing of HTTP or storage.'),
  layer('push', ['**/http/**', '**/store/**', '**/jobs/**', '**/cli/**', '**/main.js', 'kysely'],
    'push/ implements PushSender; it knows nothing of HTTP routes or storage.'),
  layer('http', ['**/store/**', '**/jobs/**', '**/cli/**', '**/main.js', 'kysely', 'pg', 'better-sqlite3'],
    'http/ is a thin transport: decode, one core call, encode. Storage is reached only through core ports.'),
  layer('jobs', ['**/http/**', '**/cli/**', '**/main.js', 'fastify'],
    'jobs/ runs core use cases on a schedule; it knows nothing of HTTP or the CLI.'),
  layer('shared', ['**/core/**', '**/protocol/**', ...adapters],
    'src/shared holds API types for web/ and must not pull server code into the browser bundle.'),
  {
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: '(^|/)src/(?!shared/)', message: webWhy },
        { group: ['node:*', 'fastify', '@fastify/*', 'kysely', 'pg', 'better-sqlite3', 'pino'], message: webWhy },
      ] }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'sim/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // node:test's describe/it return promises that the runner awaits itself.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [
        { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
      ] }],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
