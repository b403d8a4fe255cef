/**
 * The Redis servers of the tests: the shared one on 127.0.0.1:6379 (`.ci/run`
 * starts it; tests use a unique key prefix per run and never restart or
 * reconfigure it), and private ones a test starts, kills and restarts itself.
 */
import { existsSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { freePort, portOpen, ServerProcess } from '../support/server-process.js';

/** A prefix no other test run uses. */
export function uniquePrefix(tag: string): string {
  return `t${process.pid}_${Date.now().toString(36)}_${tag}`;
}

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

/** A redis-server of one test, in a temporary directory; with `aof`, every write is fsynced before its reply. */
export class PrivateRedis extends ServerProcess {
  private constructor(
    port: number,
    readonly aof: boolean,
  ) {
    super(port, 'redis');
  }

  static async start(options: { aof?: boolean } = {}): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), options.aof ?? false);
    await server.restart();
    return server;
  }

  protected command(): [string, string[]] {
    const persistence = this.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    return ['redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...persistence]];
  }
}
