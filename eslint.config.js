// Lint rules, including the import directions of the architecture (shared STYLE):
//   entry points (cli, daemon, action) -> app, config, adapters;  cli/render (oc-style output) -> app types, verbs, domain
//   app -> verbs, planning, targets, inventory, edit, ports, domain, config — never rendering (use cases return data, #11)
//   verbs -> planning, inventory, edit, domain;  inventory -> edit, domain;  edit -> domain
//   adapters -> ports, domain;  planning, targets, config, ports -> domain (and edit/inventory types);  domain -> nothing
// and one owning folder per outside I/O library.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (...layers) => layers.flatMap((l) => [`../${l}/**`, `../../${l}/**`, `../../../${l}/**`, `../${l}/*`, `../../${l}/*`]);
const ENTRY = ['cli', 'daemon', 'action'];

const restrict = (files, groups, extraPaths = [], extraPatterns = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...extraPatterns,
          { group: groups, message: 'Import direction: see STYLE (domain <- edit <- inventory <- planning/targets/verbs/ports <- app <- entry points; adapters -> ports, domain).' },
        ],
        paths: extraPaths,
      },
    ],
  },
});

// Use cases return data, not text (#11 part 3): oc-style rendering lives next to the CLI, and the
// entry points render what app functions return. `render` is the old folder name, kept out too.
const NO_RENDERING = {
  group: forbid('render', 'cli/render'),
  message: 'Use cases return data, not text: app/ may not import rendering (cli/render). Return the values; the entry point renders them.',
};

const ioLibs = (except) =>
  [
    ['undici', ['adapters/registry', 'adapters/github']],
    ['isomorphic-git', ['adapters/git']],
    ['node-cron', ['daemon']],
  ]
    .filter(([, owners]) => !owners.some((o) => except.includes(o)))
    .map(([name]) => ({ name, message: `${name} may only be imported by its owning adapter folder.` }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'examples/**/node_modules/**', 'action-dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  restrict(['src/domain/**/*.ts'], forbid('edit', 'inventory', 'planning', 'targets', 'verbs', 'render', 'ports', 'adapters', 'config', 'app', ...ENTRY), [...ioLibs([]), { name: 'node:fs', message: 'domain is pure' }, { name: 'node:fs/promises', message: 'domain is pure' }]),
  restrict(['src/edit/**/*.ts'], forbid('inventory', 'planning', 'targets', 'verbs', 'render', 'ports', 'adapters', 'config', 'app', ...ENTRY), ioLibs([])),
  restrict(['src/inventory/**/*.ts'], forbid('planning', 'targets', 'verbs', 'render', 'adapters', 'app', ...ENTRY), ioLibs([])),
  restrict(['src/planning/**/*.ts', 'src/targets/**/*.ts', 'src/ports/**/*.ts', 'src/config/**/*.ts'], forbid('verbs', 'render', 'adapters', 'app', ...ENTRY), ioLibs([])),
  restrict(['src/verbs/**/*.ts'], forbid('adapters', 'app', ...ENTRY), ioLibs([])),
  restrict(['src/app/**/*.ts'], forbid('adapters', ...ENTRY), ioLibs([]), [NO_RENDERING]),
  restrict(['src/adapters/registry/**/*.ts'], forbid('edit', 'inventory', 'planning', 'targets', 'verbs', 'render', 'app', 'config', ...ENTRY, 'git', 'github', 'fs'), ioLibs(['adapters/registry'])),
  restrict(['src/adapters/github/**/*.ts'], forbid('edit', 'inventory', 'planning', 'targets', 'verbs', 'render', 'app', 'config', ...ENTRY, 'git', 'registry', 'fs'), ioLibs(['adapters/github'])),
  restrict(['src/adapters/git/**/*.ts'], forbid('edit', 'inventory', 'planning', 'targets', 'verbs', 'render', 'app', 'config', ...ENTRY, 'registry', 'github', 'fs'), ioLibs(['adapters/git'])),
  restrict(['src/adapters/fs/**/*.ts'], forbid('edit', 'inventory', 'planning', 'targets', 'verbs', 'render', 'app', 'config', ...ENTRY, 'registry', 'github', 'git'), ioLibs([])),
  restrict(['src/cli/**/*.ts'], forbid('daemon', 'action'), ioLibs([])),
  // renderers are pure: values in, text out (after the cli rule, which they also obey)
  restrict(['src/cli/render/**/*.ts'], [...forbid('daemon', 'action', 'adapters'), '../commands/*', '../*.js'], [...ioLibs([]), { name: 'node:fs', message: 'renderers are pure' }, { name: 'node:fs/promises', message: 'renderers are pure' }]),
  restrict(['src/daemon/**/*.ts'], forbid('cli', 'action'), ioLibs(['daemon'])),
  restrict(['src/action/**/*.ts'], forbid('cli', 'daemon'), ioLibs([])),
);
