/**
 * The NATS servers of the tests: the shared one on 127.0.0.1:4222 (`.ci/run`
 * starts it; tests use a unique subject prefix per run and never restart
 * it), and private ones a test starts, kills and restarts itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';

export const SHARED = 'nats://127.0.0.1:4222';

/** A prefix no other test run uses. */
export function uniquePrefix(tag: string): string {
  return `t${process.pid}_${Date.now().toString(36)}_${tag}`;
}

/** Whether something listens on a local port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when the shared server answers; in CI its absence is a failure, not a skip. */
export async function sharedServerUp(): Promise<boolean> {
  const up = await portOpen(4222);
  if (!up && process.env.CI) throw new Error('The shared nats-server on 127.0.0.1:4222 is not running (.ci/run starts it).');
  return up;
}

/** Connects with the reconnect policy the docs recommend (never give up). */
export function connectTo(servers: string, options: ConnectionOptions = {}): Promise<NatsConnection> {
  return connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 100, ...options });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** A nats-server of one test, with JetStream on a temporary directory. */
export class PrivateServer {
  #process: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'rxbus-nats-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateServer> {
    const server = new PrivateServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and store directory. */
  async restart(): Promise<void> {
    this.#process = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await portOpen(this.port)); i++) await new Promise((r) => setTimeout(r, 25));
  }

  /** kill -9. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#process = undefined;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
