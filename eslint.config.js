// Flat config. The import rules of DESIGN.md are enforced here, so a layering mistake fails `npm run lint`.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

const restrict = (...patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map((group) => ({ group, message: 'See DESIGN.md: folders and what each may import.' })) },
  ],
});

/** The capabilities inside shared/ (DESIGN.md "Folders"), those there today and those the contact center adds. */
const CAPABILITIES = [
  'provisioning',
  'bulk',
  'drift',
  'calls',
  'routing',
  'callqueues',
  'menus',
  'reporting',
  'onboarding',
  'presence',
];
/** What the capabilities share: never a capability's own code. */
const INFRASTRUCTURE = ['domain', 'tenant', 'storage', 'config', 'auth', 'http', 'health'];
/** What nothing in shared/ imports. */
const SHARED_MAY_NOT = ['**/functions/**', '**/orchestrations/**', '**/devhost/**', '**/simulator/**', '**/cli/**'];
/** A folder and everything in it, however the import reaches it (`../bulk`, `../bulk/x`, `../../shared/bulk`). */
const folderPatterns = (folder) => [`**/${folder}`, `**/${folder}/**`];

module.exports = tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.azurite/**',
      '.simulator/**',
      'coverage/**',
      'tests/fixtures/**/node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(SHARED_MAY_NOT),
  },
  // Infrastructure and shared/domain serve every capability and know none of them.
  {
    files: INFRASTRUCTURE.map((folder) => `shared/${folder}/**/*.ts`),
    rules: restrict([...SHARED_MAY_NOT, ...CAPABILITIES.flatMap(folderPatterns)]),
  },
  // shared/domain is types and pure rules: it imports nothing else of the app.
  {
    files: ['shared/domain/**/*.ts'],
    rules: restrict([
      ...SHARED_MAY_NOT,
      ...CAPABILITIES.flatMap(folderPatterns),
      ...INFRASTRUCTURE.filter((folder) => folder !== 'domain').flatMap(folderPatterns),
    ]),
  },
  // A capability uses infrastructure and shared/domain, never another capability (ports and shared/domain instead).
  ...CAPABILITIES.map((capability) => ({
    files: [`shared/${capability}/**/*.ts`],
    rules: restrict([
      ...SHARED_MAY_NOT,
      ...CAPABILITIES.filter((other) => other !== capability).flatMap(folderPatterns),
    ]),
  })),
  {
    files: ['orchestrations/**/*.ts'],
    rules: restrict(['**/functions/**', '**/devhost/**', '**/simulator/**', '**/cli/**']),
  },
  { files: ['functions/**/*.ts'], rules: restrict(['**/devhost/**', '**/simulator/**', '**/cli/**']) },
  {
    files: ['devhost/**/*.ts'],
    rules: restrict(['**/functions/**', '**/orchestrations/**', '**/shared/**', '**/simulator/**', '**/cli/**']),
  },
  {
    files: ['simulator/**/*.ts'],
    rules: restrict(['**/functions/**', '**/orchestrations/**', '**/shared/**', '**/devhost/**', '**/cli/**']),
  },
  {
    files: ['cli/**/*.ts'],
    rules: restrict([
      '**/functions/**',
      '**/orchestrations/**',
      '**/devhost/**',
      '**/simulator/**',
      '**/shared/!(domain)/**',
    ]),
  },
  {
    // The portal runs in browsers: it calls the HTTP API and shares only the domain's types with the app.
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/functions/**',
                '**/orchestrations/**',
                '**/devhost/**',
                '**/simulator/**',
                '**/cli/**',
                '**/scripts/**',
                '**/shared/!(domain)/**',
                'node:*',
              ],
              message: 'See DESIGN.md: the portal imports nothing of the app but shared/domain types.',
            },
            {
              group: ['**/shared/domain/**', '**/shared/domain'],
              allowTypeImports: true,
              message: 'The portal takes only types from shared/domain (import type).',
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
);
