// Type-aware linting for everything we compile; Prettier owns formatting.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * One direction for dependencies in src/: host adapters (functions, cli, adapters) -> runtime
 * (the composition root) -> SDK adapters (api, auth, vault, store, http) and the use case
 * (sync) -> core (domain types and ports), errors, logging. Each folder names what it must not
 * import; imports are relative, so `../<folder>/` is the folder.
 */
function layer(folder, forbidden, why, { sdks = false } = {}) {
  const patterns = [
    {
      regex: `^\\.\\./(${forbidden.join('|')})/`,
      message: `src/${folder} must not import from ${forbidden.join(', ')}: ${why}`,
    },
  ];
  if (sdks) {
    patterns.push({
      // @opentelemetry/api is allowed: it is the vendor-neutral tracing and metrics API, a no-op
      // until an SDK registers itself (src/telemetry does, in the hosts' entry), with no
      // dependencies of its own. A span around a run belongs with the run; a port of our own
      // would only re-declare startActiveSpan. The SDK packages stay out (the regex below).
      regex: '^(@azure/|axios|@opentelemetry/(?!api$))',
      message: `src/${folder} is SDK-free: an SDK is used only behind a port, in its adapter.`,
    });
  }
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

const HOSTS = ['functions', 'cli', 'adapters'];
const ADAPTERS = ['api', 'auth', 'vault', 'store', 'http'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.local/', 'eslint.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  layer(
    'core',
    [...HOSTS, 'runtime', ...ADAPTERS, 'sync', 'config'],
    'the core holds the domain types and ports everything else depends on.',
    { sdks: true },
  ),
  layer(
    'sync',
    [...HOSTS, 'runtime', ...ADAPTERS, 'config'],
    'the sync use case talks to the API and storage through the core ports only.',
    { sdks: true },
  ),
  layer(
    'logging',
    [...HOSTS, 'runtime', ...ADAPTERS, 'sync', 'config', 'core'],
    'logging is a leaf.',
  ),
  layer(
    'config',
    [...HOSTS, 'runtime', ...ADAPTERS, 'sync'],
    'config is parsed before anything runs.',
  ),
  layer(
    'http',
    [...HOSTS, 'runtime', 'api', 'auth', 'vault', 'store', 'sync'],
    'shared HTTP plumbing.',
  ),
  layer(
    'api',
    [...HOSTS, 'runtime', 'auth', 'vault', 'store', 'sync'],
    'an adapter serves a port.',
  ),
  layer(
    'store',
    [...HOSTS, 'runtime', 'api', 'auth', 'vault', 'sync'],
    'an adapter serves a port.',
  ),
  layer(
    'vault',
    [...HOSTS, 'runtime', 'api', 'auth', 'store', 'sync'],
    'an adapter serves a port.',
  ),
  // Credential sources read the vault through its port (src/vault/secretVault.ts).
  layer('auth', [...HOSTS, 'runtime', 'api', 'store', 'sync'], 'an adapter serves a port.'),
  layer(
    'telemetry',
    [...HOSTS, 'runtime', ...ADAPTERS, 'sync', 'config'],
    'telemetry is set up before anything else runs; the adapters report to its instruments.',
  ),
  layer('runtime', HOSTS, 'the runtime is built by the hosts, not the other way round.'),
  ...HOSTS.map((host) =>
    layer(
      host,
      [...ADAPTERS, 'sync', ...HOSTS.filter((h) => h !== host && h !== 'adapters')],
      'a host reaches the core through the runtime.',
    ),
  ),
  {
    // node:test's describe/it return promises the runner itself awaits.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  prettier,
);
