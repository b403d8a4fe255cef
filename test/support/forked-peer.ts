/**
 * A forked rxbus process for multi-process tests: a fixture script bundled
 * once with esbuild (so a plain `node` runs it, rxbus from the sources, the
 * broker clients and rxjs from node_modules), driven over IPC with one answer
 * per command (`seq`). A fixture reports `{ handled: id }` messages, which
 * collect in `handled`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bundles = new Map<string, Promise<string>>();

/** The fixture as one ES module, bundled once per test process. */
function bundle(fixture: string, entries: Record<string, string>, external: string[]): Promise<string> {
  let bundled = bundles.get(fixture);
  if (bundled === undefined) {
    bundled = (async () => {
      // Inside the repository, so the bundle's bare imports resolve from its node_modules (ES modules ignore NODE_PATH).
      const cache = join(root, 'node_modules', '.cache');
      mkdirSync(cache, { recursive: true });
      const outfile = join(mkdtempSync(join(cache, 'rxbus-peer-')), 'peer.mjs');
      await build({
        entryPoints: [join(root, fixture)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile,
        alias: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, join(root, path)])),
        external: ['rxjs', 'rxjs/*', ...external],
        logLevel: 'error',
      });
      return outfile;
    })();
    bundles.set(fixture, bundled);
  }
  return bundled;
}

/** What a fixture to fork is: its path, the rxbus entries it imports, the packages left to node_modules. */
export interface PeerFixture {
  readonly fixture: string;
  readonly entries: Record<string, string>;
  readonly external: string[];
}

/** A forked rxbus process. */
export class ForkedPeer {
  #seq = 0;
  /** Ids this process's handlers finished, in the order it reported them. */
  readonly handled: unknown[] = [];
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  protected constructor(readonly child: ChildProcess) {
    child.on('message', (message: { seq?: number; handled?: unknown; result?: unknown; error?: { name: string; message: string } }) => {
      if ('handled' in message) this.handled.push(message.handled);
      if (message.seq === undefined) return;
      const waiting = this.#waiting.get(message.seq);
      this.#waiting.delete(message.seq);
      if (message.error) waiting?.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
      else waiting?.resolve(message.result);
    });
    child.on('exit', () => {
      for (const waiting of this.#waiting.values()) waiting.reject(new Error('the peer process exited'));
      this.#waiting.clear();
    });
  }

  /** Forks the fixture and resolves once it said it is ready. */
  protected static async fork(fixture: PeerFixture): Promise<ChildProcess> {
    const script = await bundle(fixture.fixture, fixture.entries, fixture.external);
    const child = fork(script, [], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    });
    return child;
  }

  /** True once the process ended (exit code or signal). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  protected call<T>(command: Record<string, unknown>): Promise<T> {
    const seq = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, seq });
    });
  }

  /** Asks the process to close its bridge and exit, and waits for it. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call({ cmd: 'close' }).catch(() => undefined);
    await exited;
  }

  /** kill -9. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}
