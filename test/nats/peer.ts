/**
 * Forks rxbus processes for the multi-process tests (fixtures/peer.ts,
 * bundled once with esbuild so a plain `node` runs it) and talks to them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BridgeStats, NatsBridgeOptions } from 'rxbus/nats';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let bundled: Promise<string> | undefined;

/** The peer script as one ES module (rxbus from the sources, NATS client and rxjs from node_modules). */
function peerScript(): Promise<string> {
  bundled ??= (async () => {
    // Inside the repository, so the bundle's bare imports resolve from its node_modules (ES modules ignore NODE_PATH).
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const outfile = join(mkdtempSync(join(cache, 'rxbus-peer-')), 'peer.mjs');
    await build({
      entryPoints: [join(root, 'test/nats/fixtures/peer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      alias: { rxbus: join(root, 'src/index.ts'), 'rxbus/nats': join(root, 'src/nats/index.ts') },
      external: ['@nats-io/*', 'rxjs', 'rxjs/*'],
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundled;
}

/** A forked rxbus process. */
export class Peer {
  #seq = 0;
  /** Ids this process's consumer finished, as it reported them (`consume(…, { report: true })`). */
  readonly handled: unknown[] = [];
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(readonly child: ChildProcess) {
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

  static async start(): Promise<Peer> {
    const script = await peerScript();
    const child = fork(script, [], { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    });
    return new Peer(child);
  }

  /** True once the process ended (exit code or signal). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  #call<T>(command: Record<string, unknown>): Promise<T> {
    const seq = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(seq, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, seq });
    });
  }

  open(servers: string, options: NatsBridgeOptions, stream = false): Promise<string> {
    return this.#call({ cmd: 'open', servers, options, stream });
  }
  publish(type: string, payloads: unknown[]): Promise<number> {
    return this.#call({ cmd: 'publish', type, payloads });
  }
  waitFor(type: string, matcher: Record<string, unknown>, timeout = 5000): Promise<unknown> {
    return this.#call({ cmd: 'waitFor', type, matcher, timeout });
  }
  request(type: string, payload: unknown, timeout = 5000): Promise<unknown> {
    return this.#call({ cmd: 'request', type, payload, timeout });
  }
  handle(type: string, reply: Record<string, unknown>): Promise<void> {
    return this.#call({ cmd: 'handle', type, reply });
  }
  consume(pattern: string, options: { delay?: number; report?: boolean } = {}): Promise<void> {
    return this.#call({ cmd: 'consume', pattern, ...options });
  }
  stats(): Promise<{ bridge: BridgeStats; handled: unknown[] }> {
    return this.#call({ cmd: 'stats' });
  }
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.#call({ cmd: 'close' }).catch(() => undefined);
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
