import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    operators: 'operators/index.ts',
    testing: 'src/testing/index.ts',
    'testing-vitest': 'src/testing/vitest.ts',
    nats: 'src/nats/index.ts',
    redis: 'src/redis/index.ts',
    nestjs: 'src/nestjs/index.ts',
    angular: 'src/angular/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // Shared chunks keep one copy of each error class across entries, so
  // `instanceof WaitTimeoutError` holds whichever entry threw it.
  splitting: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2022',
  // Peers are the user's: never bundled. vitest is loaded only by
  // rxbus/testing/vitest, each framework or broker client only by its own entry.
  external: [
    'rxjs',
    'vitest',
    '@nats-io/transport-node',
    '@nats-io/jetstream',
    '@standard-schema/spec',
    'ioredis',
    /^@nestjs\//,
    /^@angular\//,
  ],
});
