// Lint rules for the whole workspace. Formatting is Prettier's job (eslint-config-prettier turns style rules off).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'bench/results/**', 'test/.snippets-tmp/**'],
  },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['packages/sandbox/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    // The command layer injects by constructor and parameter types (emitDecoratorMetadata): an import a decorated
    // class uses only as a type is still a runtime value there, so consistent-type-imports leaves such files alone.
    languageOptions: {
      parserOptions: { projectService: false, emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      // Classes read top-down: fields, constructor, accessors, methods. Interfaces keep the order their docs chose.
      '@typescript-eslint/member-ordering': ['error', { interfaces: 'never', typeLiterals: 'never' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Prettier wraps code at 120 columns; this catches the comments it leaves alone (strings may run long).
      'max-len': [
        'error',
        { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true },
      ],
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
    },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          noWarnOnMultipleProjects: true,
          project: ['tsconfig.test.json', 'packages/*/tsconfig.json', 'examples/*/tsconfig.json'],
        }),
      ],
    },
  },
  prettier,
)
