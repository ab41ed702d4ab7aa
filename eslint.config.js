// Lint rules for the whole repository (`npm run lint`; CI fails on any error).
// Formatting is Prettier's job (`npm run format`), so eslint-config-prettier turns off rules it would fight.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'admin/dist/', 'src/generated/', 'coverage/', 'data/', 'eval/.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    // Tests and benchmarks read untyped GraphQL JSON answers.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The pure domain imports nothing outside itself: no packages, no Node APIs, no other layer. One block per folder
  // depth, because a relative path leaves src/domain after as many `../` as the file is deep.
  ...[0, 1, 2, 3].map((depth) => ({
    files: [`src/domain/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `^(\\.\\./){${depth + 1}}`, message: 'src/domain imports nothing outside src/domain.' },
            { regex: '^[^.]', message: 'src/domain is pure: no packages or Node APIs.' },
          ],
        },
      ],
    },
  })),
  prettier,
);
