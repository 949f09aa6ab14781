// ESLint flat config: @eslint/js recommended + typescript-eslint type-aware rules, formatting left to Prettier.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

/** The Node globals plain JS files here use (TypeScript files get theirs from @types/node). */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'fetch',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'structuredClone',
    'AbortController',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    name: 'lantern/ignores',
    // .probe/: local scratch scripts, git-ignored.
    ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results.json', '.probe/', 'src/database/db.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    name: 'lantern/type-info',
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    name: 'lantern/rules',
    rules: {
      // Nest modules are decorated empty classes.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // Nest interfaces (e.g. OnModuleInit, CanActivate) are often implemented without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    name: 'lantern/tests',
    files: ['test/**', '**/*.spec.ts'],
    rules: {
      // expect(service.method).toHaveBeenCalled() and jest.fn() mocks pass methods unbound by design.
      '@typescript-eslint/unbound-method': 'off',
      // Tests read JSON response bodies (typed any) field by field; asserting on them is the point.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain JS/ESM (configs, test/setup/*.mjs) and the hand-written test/setup/*.d.mts are outside
    // tsconfig.json's include: lint them without type information.
    name: 'lantern/untyped',
    files: [tseslint.globs.js, '**/*.d.mts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    name: 'lantern/commonjs',
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...nodeGlobals, module: 'writable', require: 'readonly' },
    },
  },
  prettier,
);
