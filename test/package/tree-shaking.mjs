// Runs after the build (npm test): every module of the built package must be
// free of side effects, so that a bundler keeps only what an app imports.
// `"sideEffects": false` lets bundlers drop unused *files*, but the entries
// share chunks, and inside a chunk a module-level statement that may have an
// effect (a call, a `new`, a property read) keeps its code alive. Rollup,
// told to trust no file, must reduce `import '<entry>'` to nothing.
// Left out: rxbus/testing/vitest (registering its matchers is its purpose) and
// rxbus/nestjs (a Nest module is a decorated class: applying @Module and the
// ConfigurableModuleBuilder at load time is how Nest defines it; only Nest
// apps import that entry, and "sideEffects": false still drops it unused).
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');
const entries = ['index', 'operators', 'testing', 'nats', 'redis', 'angular'];

for (const entry of entries) {
  const file = resolve(dist, `${entry}.js`);
  const bundle = await rollup({
    input: 'entry',
    plugins: [
      {
        name: 'entry',
        resolveId: (id) => (id === 'entry' ? id : null),
        load: (id) => (id === 'entry' ? `import ${JSON.stringify(file)};` : null),
      },
    ],
    // Peers (rxjs, broker and framework clients) are the user's: assumed pure here.
    external: (id) => id !== 'entry' && !id.startsWith('.') && !id.startsWith('/'),
    treeshake: { moduleSideEffects: (_id, external) => !external },
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'esm' });
  await bundle.close();
  const kept = output[0].code.trim();
  assert.equal(kept, '', `import '${entry}' keeps code that has (or may have) side effects:\n${kept.slice(0, 2000)}`);
}
console.log(`tree-shaking: ok (${entries.length} entries import as nothing)`);
