import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import ts from 'typescript';

const entry = {
  index: 'src/index.ts',
  operators: 'operators/index.ts',
  testing: 'src/testing/index.ts',
  'testing-vitest': 'src/testing/vitest.ts',
  nats: 'src/nats/index.ts',
  redis: 'src/redis/index.ts',
  nestjs: 'src/nestjs/index.ts',
  angular: 'src/angular/index.ts',
};

/**
 * Declarations, written by the TypeScript compiler one file per source file
 * (dist/types/src/bus-api.d.ts, ...) rather than bundled by tsup, whose
 * shared declaration chunks get hashed names (bus-api-D-Oliwhm.d.ts) that
 * users land in on go-to-definition. `stripInternal` keeps `@internal`
 * members out. The tree is written twice: dist/types for `import` (ESM, as
 * the package's "type" says) and dist/types-cjs, marked CommonJS by its own
 * package.json, for `require`; each entry's .d.ts / .d.cts re-exports its
 * index from one of them.
 */
function emitDeclarations(): void {
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (config === undefined) throw new Error('tsconfig.json could not be read.');
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    stripInternal: true,
    rootDir: '.',
    outDir: 'dist/types',
    paths: undefined,
  };
  const program = ts.createProgram(Object.values(entry), options);
  const { diagnostics } = program.emit();
  if (diagnostics.length > 0) {
    throw new Error(
      ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: ts.sys.getCurrentDirectory,
        getNewLine: () => '\n',
      }),
    );
  }
  rmSync('dist/types-cjs', { recursive: true, force: true });
  cpSync('dist/types', 'dist/types-cjs', { recursive: true });
  writeFileSync('dist/types-cjs/package.json', '{ "type": "commonjs" }\n');
  mkdirSync('dist', { recursive: true });
  for (const [name, source] of Object.entries(entry)) {
    const path = source.replace(/\.ts$/, '.js');
    writeFileSync(`dist/${name}.d.ts`, `export * from './types/${path}';\n`);
    writeFileSync(`dist/${name}.d.cts`, `export * from './types-cjs/${path}';\n`);
  }
}

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  // See emitDeclarations.
  dts: false,
  onSuccess: async () => emitDeclarations(),
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
