/**
 * The Redis servers of the tests: the shared one on 127.0.0.1:6379 (`.ci/run`
 * starts it; tests use a unique key prefix per run and never restart or
 * reconfigure it), and private ones a test starts, kills and restarts itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { portOpen } from '../nats/server.js';

export { uniquePrefix } from '../nats/server.js';

export const SHARED_PORT = 6379;

/** True when the shared server answers; in CI its absence is a failure, not a skip. */
export async function sharedRedisUp(): Promise<boolean> {
  const up = await portOpen(SHARED_PORT);
  if (!up && process.env.CI) throw new Error('The shared redis-server on 127.0.0.1:6379 is not running (.ci/run starts it).');
  return up;
}

/** Whether private servers can be started here. */
export const canStartServers = existsSync('/usr/bin/redis-server');

/** A connection that reconnects quickly (tests kill servers and connections). */
export function connectTo(port = SHARED_PORT, options: RedisOptions = {}): Redis {
  const redis = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50, ...options });
  redis.on('error', () => undefined);
  return redis;
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

/** A redis-server of one test, in a temporary directory; with `aof`, every write is fsynced before its reply. */
export class PrivateRedis {
  #process: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'rxbus-redis-'));

  private constructor(
    readonly port: number,
    readonly aof: boolean,
  ) {}

  static async start(options: { aof?: boolean } = {}): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), options.aof ?? false);
    await server.restart();
    return server;
  }

  /** Starts (again) on the same port and directory. */
  async restart(): Promise<void> {
    const persistence = this.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.#process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...persistence], { stdio: 'ignore' });
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
