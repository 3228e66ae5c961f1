// ESLint 10 flat config: typescript-eslint's recommended rules without type information (fast: no
// program is built). `npm run lint` runs it with --max-warnings 0.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**'];

export default defineConfig([
  globalIgnores(['**/dist/', '**/node_modules/', '**/coverage/', '.agentry/', '**/.turbo/', 'bench/results/']),
  tseslint.configs.recommended,
  {
    rules: {
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
  {
    // Services log through the injected pino logger; scripts/, bench/ and tests may print.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-console': 'error' },
  },
  {
    // Tests assert on JSON bodies they did not type; the test client's `any` default keeps them readable.
    files: [...TESTS, 'libs/testing/src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain Node scripts (scripts/, bench/, jest.config.js) are CommonJS.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
]);
