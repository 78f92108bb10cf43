import nx from '@nx/eslint-plugin';

// Layers (ARCHITECTURE.md): apps never import apps, libs never import apps, contracts import
// nothing of ours. Tags live in each project.json.
const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:platform', 'type:data', 'type:contracts'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:data', 'type:contracts'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:data', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:platform', 'type:data', 'type:contracts', 'type:testing', 'type:util'] },
  // Scopes: shared libs know no app; an app's code, and the tools, use shared libs and their own scope only.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
  { sourceTag: 'scope:integrations', onlyDependOnLibsWithTags: ['scope:shared', 'scope:integrations'] },
  { sourceTag: 'scope:pipelines', onlyDependOnLibsWithTags: ['scope:shared', 'scope:pipelines'] },
  { sourceTag: 'scope:legacy', onlyDependOnLibsWithTags: ['scope:shared', 'scope:legacy'] },
  { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dashboard'] },
  { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tooling'] },
];

// Tests may also use the shared harness.
const testDepConstraints = depConstraints.map((rule) =>
  rule.sourceTag === 'type:contracts' || rule.sourceTag.startsWith('scope:')
    ? rule
    : { ...rule, onlyDependOnLibsWithTags: [...rule.onlyDependOnLibsWithTags, 'type:testing'] },
);

const boundaries = (constraints) => ['error', { enforceBuildableLibDependency: false, allowCircularSelfDependency: false, depConstraints: constraints }];

export default [
  {
    ignores: [
      '**/dist/**',
      '**/dist-test/**',
      '**/node_modules/**',
      '.offramp/**',
      '.nx/**',
      'apps/legacy/**',
      'libs/contracts/sdk/src/generated/**',
      'libs/contracts/src/admin-api/generated/**',
      'libs/contracts/integrations-sdk/src/generated/**',
      'data/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(testDepConstraints) },
  },
  {
    // Project Jest configs extend the root preset by path; that is configuration, not a dependency.
    files: ['**/jest.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
