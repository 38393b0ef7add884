// ESLint flat config. TypeScript under packages/, apps/, e2e/ and bench/ is linted with type
// information (typescript-eslint recommendedTypeChecked). Type information comes from one program,
// tsconfig.eslint.json, which covers all of them: that is about 3x faster than one program per
// package (projectService), because shared sources and .d.ts files are checked once. Workspaces
// that tsconfig.eslint.json excludes (because they need other compiler options, e.g. DOM or JSX)
// are typed with their own tsconfig.json. tsc still checks each package with its own tsconfig
// (scripts/typecheck.mjs). Other TypeScript (root vitest.config.ts) gets the rules that need no
// types; plain JS (scripts/*.mjs, eslint.config.js) gets eslint:recommended.
// Import boundaries are checked separately by scripts/check-boundaries.mjs (`npm run lint`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const root = import.meta.dirname;
const LINT_TSCONFIG = 'tsconfig.eslint.json';

/**
 * tsconfig.eslint.json first; then the own tsconfig*.json of each directory it excludes
 * (tsconfig.json first: a file is typed by the first project that includes it, e.g. the SDK's
 * core by its platform-neutral tsconfig.json, its Node entry and tests by tsconfig.node.json).
 */
function typeInfoProjects() {
  const { config, error } = ts.readConfigFile(path.join(root, LINT_TSCONFIG), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const own = (config.exclude ?? [])
    .filter((dir) => !dir.includes('*') && existsSync(path.join(root, dir)))
    .flatMap((dir) =>
      readdirSync(path.join(root, dir))
        .filter((f) => /^tsconfig(\..+)?\.json$/.test(f))
        .sort((a, b) => (a === 'tsconfig.json' ? -1 : b === 'tsconfig.json' ? 1 : a.localeCompare(b)))
        .map((f) => `./${dir}/${f}`),
    );
  return [`./${LINT_TSCONFIG}`, ...own];
}

const TYPED_TS = [
  'packages/*/src/**/*.{ts,tsx,mts,cts}',
  'apps/*/src/**/*.{ts,tsx,mts,cts}',
  'e2e/**/*.{ts,tsx,mts,cts}',
  'bench/**/*.{ts,tsx,mts,cts}',
];
const ALL_TS = ['**/*.{ts,tsx,mts,cts}'];
const TEST_FILES = ['**/*.test.{ts,tsx,mts,cts}', '**/*.spec.{ts,tsx,mts,cts}'];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/data/',
      '**/coverage/',
      '**/test-output/',
      '**/*.d.ts',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // Everything: eslint:recommended plus a few rules that hold for JS and TS alike.
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // `x == null` (null or undefined) is the one accepted loose comparison.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },

  // TypeScript without type information (files outside any project, e.g. vitest.config.ts).
  {
    files: ALL_TS,
    extends: [tseslint.configs.recommended],
  },

  // TypeScript with type information.
  {
    files: TYPED_TS,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: typeInfoProjects(),
        tsconfigRootDir: root,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        // JSX event handlers may be async; promises passed where callbacks return void are not.
        { checksVoidReturn: { attributes: false } },
      ],
      // An adapter may implement an async port method without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // `await Promise.all(xs.map((x) => x.close?.()))`: optional async hooks are fine to aggregate.
      '@typescript-eslint/await-thenable': ['error', { allowMixedPromiseArrays: true }],
    },
  },

  // Rules for all TypeScript (typed or not).
  {
    files: ALL_TS,
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Tests: vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
  {
    files: TEST_FILES,
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },

  // Libraries log through their injected logger, never the console.
  {
    files: ['packages/**'],
    rules: { 'no-console': 'error' },
  },

  // The web app runs in browsers; React's rules of hooks apply. Its service worker is plain JS.
  {
    files: ['apps/web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error', 'no-console': 'error' },
  },
  {
    files: ['apps/web/public/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
);
