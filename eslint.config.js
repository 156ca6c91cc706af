// Only the rules TypeScript's own checks cannot give: a Promise that nobody awaits (the store is async; a forgotten
// await is a write that may land after the answer, or an error nobody sees).
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['server/src/**/*.ts', 'server/test/**/*.ts', 'scripts/**/*.ts'],
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
  },
  plugins: { '@typescript-eslint': tseslint.plugin },
  linterOptions: { reportUnusedDisableDirectives: 'off' },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    '@typescript-eslint/await-thenable': 'error',
  },
});
