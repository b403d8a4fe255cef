import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    operators: 'operators/index.ts',
    testing: 'src/testing/index.ts',
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
  external: ['rxjs'],
});
