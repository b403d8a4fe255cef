/**
 * Forks rxbus processes bridged to Redis (fixtures/peer.ts) for the
 * multi-process tests, and talks to them.
 */
import type { RedisBridgeOptions, RedisBridgeStats } from 'rxbus/redis';
import { ForkedPeer } from '../support/forked-peer.js';

const FIXTURE = {
  fixture: 'test/redis/fixtures/peer.ts',
  entries: { rxbus: 'src/index.ts', 'rxbus/redis': 'src/redis/index.ts' },
  external: ['ioredis'],
};

/** A forked rxbus process with a Redis bridge. */
export class RedisPeer extends ForkedPeer {
  static async start(): Promise<RedisPeer> {
    return new RedisPeer(await ForkedPeer.fork(FIXTURE));
  }

  open(port: number, options: RedisBridgeOptions): Promise<string> {
    return this.call({ cmd: 'open', port, options });
  }
  publish(type: string, payloads: unknown[]): Promise<number> {
    return this.call({ cmd: 'publish', type, payloads });
  }
  waitFor(type: string, matcher: Record<string, unknown>, timeout = 5000): Promise<unknown> {
    return this.call({ cmd: 'waitFor', type, matcher, timeout });
  }
  /** Handles `pattern` (after `delay` ms each), reporting each payload's `id` to the parent. */
  consume(pattern: string, options: { delay?: number } = {}): Promise<void> {
    return this.call({ cmd: 'consume', pattern, ...options });
  }
  stats(): Promise<{ bridge: RedisBridgeStats; handled: number }> {
    return this.call({ cmd: 'stats' });
  }
}
