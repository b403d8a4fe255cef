/**
 * Doc samples are tests: every ```ts block of README.md and docs/ is
 * type-checked against the BUILT package (as a user's strict `nodenext`
 * project sees it, through the package's own `exports`), and every runnable
 * one is run with node and must exit 0. Markers and their meaning: samples.ts.
 *
 * The samples are written to `.doc-samples/` inside the repository so that
 * `import 'rxbus'` resolves by package self-reference to `dist/`, exactly as
 * it would from node_modules. npm test builds before vitest runs, so dist/ is
 * fresh; run `npm run build` first when running this file alone.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, repositoryRoot as root } from '../support/built-package.js';
import { collectSamples, extractSamples, sampleFileName, type Sample } from './samples.js';

const outDir = join(root, '.doc-samples');
/** Generous: a runnable sample must finish "within a few seconds", on a busy 2-core machine. */
const runTimeoutMs = 20_000;
/** Node processes at once: enough to overlap start-up, few enough for 2 cores shared with vitest. */
const parallelRuns = 3;

const samples = collectSamples(root);
const checked = samples.filter((s) => s.mode !== 'fragment');
const diagnostics = new Map<string, string[]>();

/** One program for all samples: one type-check pass, and the emitted .js is what node runs. */
function typeCheckAndEmit(): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const files = checked.map((sample) => {
    const path = join(outDir, sampleFileName(sample));
    // `export {}` makes every sample a module: top-level await works, and two
    // samples declaring the same name do not collide.
    writeFileSync(path, `${sample.code}\nexport {};\n`);
    return path;
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    esModuleInterop: true,
    outDir,
    rootDir: outDir,
  };
  const program = ts.createProgram(files, options);
  const result = program.emit();
  const all = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  for (const d of all) {
    const file = d.file?.fileName ?? '(program)';
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const list = diagnostics.get(file) ?? [];
    list.push(where ? `line ${where.line + 1}:${where.character + 1} TS${d.code}: ${text}` : `TS${d.code}: ${text}`);
    diagnostics.set(file, list);
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

let running = 0;
const queue: Array<() => void> = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= parallelRuns) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

function runNode(path: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, runTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

const where = (s: Sample) => `${s.file}:${s.line}`;

describe('doc samples', () => {
  beforeAll(() => {
    assertFreshBuild();
    typeCheckAndEmit();
  }, 120_000);

  it('finds the samples of README.md and docs/', () => {
    expect(samples.some((s) => s.file === 'README.md' && s.mode === 'run')).toBe(true);
    expect(new Set(samples.map((s) => s.file)).size).toBeGreaterThan(5);
  });

  it('compiles as one program with no diagnostics outside the samples', () => {
    const outside = [...diagnostics].filter(([file]) => !file.startsWith(outDir));
    expect(outside).toEqual([]);
  });

  it.each(checked.map((s) => [where(s), s] as const))('%s type-checks against the built package', (_name, sample) => {
    const path = join(outDir, sampleFileName(sample));
    expect(diagnostics.get(path) ?? [], `${where(sample)} (${path})`).toEqual([]);
  });

  // Siblings, so vitest starts them together; slot() caps the processes.
  it.concurrent.each(checked.filter((s) => s.mode === 'run').map((s) => [where(s), s] as const))(
    '%s runs with node and exits 0',
    async (_name, sample) => {
      const path = join(outDir, sampleFileName(sample).replace(/\.ts$/, '.js'));
      const result = await slot(() => runNode(path));
      const verdict = result.timedOut
        ? `did not end within ${runTimeoutMs} ms (mark it \`ts no-run\` if it never ends)`
        : `exit ${result.code ?? result.signal}`;
      expect(verdict, `${where(sample)}: ${result.output}`).toBe('exit 0');
    },
    runTimeoutMs + 10_000,
  );
});

describe('sample markers', () => {
  it('reads ts, ts no-run and ts fragment, with the line of each fence', () => {
    const text = ['# t', '```ts', 'a()', '```', '```ts no-run', 'b()', '```', '```ts fragment', 'c', '```', '```sh', 'npm i', '```'].join(
      '\n',
    );
    expect(extractSamples('x.md', text).map((s) => [s.line, s.mode, s.code])).toEqual([
      [2, 'run', 'a()\n'],
      [5, 'no-run', 'b()\n'],
      [8, 'fragment', 'c\n'],
    ]);
  });

  it('rejects an unknown marker instead of skipping the sample', () => {
    expect(() => extractSamples('x.md', '```ts norun\nx\n```\n')).toThrow(/x\.md:1: unknown sample marker "norun"/);
  });

  it('rejects a fence that is never closed', () => {
    expect(() => extractSamples('x.md', 'text\n```ts\nx\n')).toThrow(/x\.md:2: .*never closed/);
  });

  it('keeps a fence inside a longer fence as text', () => {
    const text = '````md\n```ts\nnot a sample\n```\n````\n';
    expect(extractSamples('x.md', text)).toEqual([]);
  });
});
