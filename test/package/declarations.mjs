// Runs after the build (npm test): the published declarations as a user's
// compiler sees them, through the package's own name, from an ESM and a CJS
// file (node16 resolution, strict, skipLibCheck off so every .d.ts reached is
// checked). It proves that
// - every entry's types load in both worlds, and no declaration names
//   something that stripInternal removed;
// - `@internal` members are not in the published types;
// - go-to-definition lands in a file named after the concept
//   (dist/types/src/bus.d.ts), never in a hashed chunk (bus-api-XXXX.d.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Inside the package, so that `import 'rxbus'` is a self-reference through "exports".
const dir = resolve(root, 'dist/.declarations-check');

const body = `
import { createBus, createCoordinator } from 'rxbus';
import { ofType, rateLimit } from 'rxbus/operators';
import { VirtualScheduler } from 'rxbus/testing';
import { busMatchers } from 'rxbus/testing/vitest';
import { bridge } from 'rxbus/nats';
import type {} from 'rxbus/redis';
import type {} from 'rxbus/nestjs';
import type {} from 'rxbus/angular';

const scheduler = new VirtualScheduler();
const bus = createBus<{ 'order.created': { id: string } }>({ scheduler });
bus.publish('order.created', { id: '1' });
createCoordinator(0, { inc: (n: number) => n + 1 });
ofType('order.*');
rateLimit({ rate: 1, per: 10 });
void busMatchers;
void bridge;
// @ts-expect-error The compilers are internal: ofType and matching are their public form.
import { compileMatcher, compilePattern } from 'rxbus';
void compileMatcher;
void compilePattern;
// @ts-expect-error VirtualScheduler.enqueue is @internal: not in the published types.
scheduler.enqueue;
// @ts-expect-error VirtualScheduler.dequeue is @internal: not in the published types.
scheduler.dequeue;
`;

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const files = [resolve(dir, 'consumer.mts'), resolve(dir, 'consumer.cts')];
// @angular/core ships ESM only: a CommonJS TypeScript file cannot import
// its types either, so rxbus/angular is checked from the ESM consumer only.
for (const file of files) writeFileSync(file, file.endsWith('.cts') ? body.replace("import type {} from 'rxbus/angular';\n", '') : body);
try {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [resolve(root, 'node_modules/@types')],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  assert.equal(diagnostics.length, 0, ts.formatDiagnostics(diagnostics, host));

  // Where go-to-definition on `createBus` leads, from each world.
  const checker = program.getTypeChecker();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const importDecl = source.statements.find(ts.isImportDeclaration);
    const name = importDecl.importClause.namedBindings.elements[0].name;
    const target = checker.getAliasedSymbol(checker.getSymbolAtLocation(name));
    const declared = relative(root, target.declarations[0].getSourceFile().fileName);
    assert.match(declared, /^dist\/types(-cjs)?\/src\/bus\.d\.ts$/, `createBus is declared in ${declared}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Every declaration file is an entry named in "exports", or mirrors a source file.
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const entryTypes = new Set(
  Object.values(pkg.exports)
    .flatMap((e) => (typeof e === 'object' ? [e.import.types, e.require.types] : []))
    .map((t) => t.slice('./dist/'.length)),
);
const strays = readdirSync(resolve(root, 'dist'), { recursive: true })
  .map(String)
  .filter((f) => /\.d\.c?ts$/.test(f))
  .filter((f) => !entryTypes.has(f) && !existsSync(resolve(root, f.replace(/^types(-cjs)?\//, '').replace(/\.d\.ts$/, '.ts'))));
assert.deepEqual(strays, [], 'declaration files that are neither an entry nor the declarations of a source file (a bundler chunk?)');
console.log('declarations: ok (ESM and CJS consumers, no @internal members, no hashed declaration files)');
