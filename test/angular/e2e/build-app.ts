// Builds the end-to-end app the way an Angular CLI production build does,
// with the pieces the CLI itself uses: ngtsc (the Angular compiler) compiles
// app.ts ahead of time, then esbuild bundles it while the Angular linker
// turns the partially compiled declarations in @angular/* packages into
// final code. `ngJitMode: false` removes the JIT path: any declaration left
// uncompiled — in the app, the Angular packages or rxbus/angular — fails at
// runtime instead of being compiled in the browser.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostics, performCompilation, readConfiguration } from '@angular/compiler-cli';
import { needsLinking } from '@angular/compiler-cli/linker';
import linkerPlugin from '@angular/compiler-cli/linker/babel';
import { build, type Plugin } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Babel runs the linker; it is the compiler CLI's own dependency, so it is
// loaded from there rather than declared a second time.
const babel = createRequire(import.meta.resolve('@angular/compiler-cli/package.json'))('@babel/core') as {
  transformAsync(code: string, options: object): Promise<{ code?: string | null } | null>;
};

/** The app's public names resolve to the sources, as in the unit tests. */
const rxbusSources: Plugin = {
  name: 'rxbus-sources',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^rxbus(\/angular)?$/ }, ({ path }) => ({
      path: here(path === 'rxbus' ? '../../../src/index.ts' : '../../../src/angular/index.ts'),
    }));
  },
};

/** Links partially compiled Angular package code (ɵɵngDeclare…) into final Ivy code. */
const angularLinker: Plugin = {
  name: 'angular-linker',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]@angular[\\/].*\.m?js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!needsLinking(path, source)) return { contents: source, loader: 'js' };
      const linked = await babel.transformAsync(source, {
        filename: path,
        plugins: [linkerPlugin],
        compact: false,
        sourceMaps: false,
        babelrc: false,
        configFile: false,
      });
      return { contents: linked?.code ?? source, loader: 'js' };
    });
  },
};

/**
 * What ngtsc sees of rxbus: the names app.ts imports, untyped. The AOT
 * compiler needs the Angular declarations, not rxbus's; `npm run typecheck`
 * checks app.ts against the real ones. Keeping rxbus's sources (and
 * @types/node, which they use) out of ngtsc's program more than halves the
 * build. esbuild then bundles the real sources.
 */
const RXBUS_NAMES = `type Untyped = <A = any, B = any, C = any>(...args: any[]) => any;
export type BusStats = any;
export declare const busSignal: Untyped, createBusToken: Untyped, injectBus: Untyped, onBusEvent: Untyped, provideBus: Untyped, waitForBus: Untyped;
`;

/** The bundled app: one ES module, and what went into it. */
export interface BuiltApp {
  readonly code: string;
  /** Paths of the modules in the bundle, relative to the working directory. */
  readonly inputs: readonly string[];
}

/** Compiles app.ts with ngtsc and bundles it; throws with the diagnostics when it does not compile. */
export async function buildApp(): Promise<BuiltApp> {
  const outDir = await mkdtemp(join(tmpdir(), 'rxbus-angular-e2e-'));
  try {
    const names = join(outDir, 'rxbus-names.d.ts');
    await writeFile(names, RXBUS_NAMES);
    const paths = { rxbus: [names], 'rxbus/angular': [names] };
    const config = readConfiguration(here('./tsconfig.json'), { outDir, noEmitOnError: true, paths });
    const { diagnostics } = performCompilation({
      rootNames: config.rootNames,
      options: config.options,
      emitFlags: config.emitFlags,
      // Angular's own checks (options, decorators, template syntax); types are
      // checked by `npm run typecheck`.
      gatherDiagnostics: (program) => [...program.getNgOptionDiagnostics(), ...program.getNgStructuralDiagnostics()],
    });
    const errors = [...config.errors, ...diagnostics].filter((d) => d.category === 1);
    if (errors.length > 0) throw new Error(`ngtsc failed:\n${formatDiagnostics(errors)}`);
    const result = await build({
      entryPoints: [join(outDir, 'test/angular/e2e/app.js')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
      // The compiled app sits in a temporary directory: packages come from the project's node_modules.
      nodePaths: [here('../../../node_modules')],
      define: { ngJitMode: 'false' },
      plugins: [rxbusSources, angularLinker],
    });
    return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
