/**
 * The test app (test/nestjs/app/) as a real OS process: bundled with esbuild
 * (legacy decorators, no decorator metadata, rxbus from the sources through
 * tsconfig paths, every package external), then started with node.
 *
 * Two variants: CommonJS next to the repository's NestJS 11, and ESM inside
 * test/nestjs/nest12/, whose own node_modules hold NestJS 12 (ESM-only), so
 * the bundle's imports resolve there. That fixture is installed from its
 * committed lockfile on first use (`npm ci --prefix`), so a clean clone runs
 * it instead of skipping it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export interface AppVariant {
  readonly name: string;
  readonly nest: number;
  readonly format: 'cjs' | 'esm';
  readonly outfile: string;
  /** Installs what the variant needs, if missing. */
  readonly prepare: () => Promise<void>;
}

const NEST12 = here('./nest12');

export const VARIANTS: readonly AppVariant[] = [
  { name: 'NestJS 11, CommonJS app', nest: 11, format: 'cjs', outfile: here('./.build/app.cjs'), prepare: async () => undefined },
  { name: 'NestJS 12, ESM app', nest: 12, format: 'esm', outfile: here('./nest12/.build/app.mjs'), prepare: installNest12 },
];

/** `npm ci` in the NestJS 12 fixture when its node_modules are missing or do not match its package.json. */
async function installNest12(): Promise<void> {
  const wanted = (JSON.parse(readFileSync(`${NEST12}/package.json`, 'utf8')) as { dependencies: Record<string, string> }).dependencies[
    '@nestjs/core'
  ];
  const installed = `${NEST12}/node_modules/@nestjs/core/package.json`;
  if (existsSync(installed) && (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version === wanted) return;
  await promisify(execFile)('npm', ['ci', '--prefix', NEST12, '--no-audit', '--no-fund', '--loglevel=error'], { timeout: 240_000 });
}

/** Bundles the app for a variant; returns the file to run. */
export async function bundleApp(variant: AppVariant): Promise<string> {
  await variant.prepare();
  await build({
    entryPoints: [here('./app/main.ts')],
    outfile: variant.outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: variant.format,
    tsconfig: here('../../tsconfig.json'),
    packages: 'external',
    logLevel: 'error',
  });
  return variant.outfile;
}

/** A running app process with its output. */
export class AppProcess {
  /** Every line the app wrote to stdout or stderr, in arrival order. */
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  port = 0;
  #wake: Array<() => void> = [];

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        this.output.push(...parts);
        for (const wake of this.#wake.splice(0)) wake();
      });
    }
  }

  /** Starts `file` with `env` on a free port; resolves once it listens. */
  static async start(file: string, env: Record<string, string> = {}): Promise<AppProcess> {
    const child = spawn(process.execPath, [file], {
      env: { ...process.env, PORT: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new AppProcess(child);
    const ready = app.waitForOutput(/^listening \d+$/, 1, 30_000);
    const early = app.exited.then(({ code }) =>
      Promise.reject(new Error(`app exited with ${code} before listening:\n${app.output.join('\n')}`)),
    );
    const [line] = await Promise.race([ready, early]);
    app.port = Number(/\d+$/.exec(line!)![0]);
    return app;
  }

  /** The base URL of the app. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves when `count` output lines match `pattern`, or rejects after `timeout` ms with the output so far. */
  async waitForOutput(pattern: RegExp, count = 1, timeout = 20_000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = this.output.filter((line) => pattern.test(line));
      if (found.length >= count) return found;
      if (Date.now() > deadline)
        throw new Error(`no ${count} line(s) matching ${pattern} within ${timeout} ms:\n${this.output.join('\n')}`);
      // Woken by new output; the timer only bounds the wait for the deadline check.
      await new Promise<void>((resolve) => {
        this.#wake.push(resolve);
        setTimeout(resolve, 250).unref();
      });
    }
  }

  /** Kills the process if still running and waits for its exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
