/**
 * Forks rxbus processes bridged to NATS (fixtures/peer.ts) for the
 * multi-process tests, and talks to them.
 */
import type { BridgeStats, NatsBridgeOptions } from 'rxbus/nats';
import { ForkedPeer } from '../support/forked-peer.js';

const FIXTURE = {
  fixture: 'test/nats/fixtures/peer.ts',
  entries: { rxbus: 'src/index.ts', 'rxbus/nats': 'src/nats/index.ts' },
  external: ['@nats-io/*'],
};

/** A forked rxbus process with a NATS bridge. */
export class Peer extends ForkedPeer {
  static async start(): Promise<Peer> {
    return new Peer(await ForkedPeer.fork(FIXTURE));
  }

  open(servers: string, options: NatsBridgeOptions, stream = false): Promise<string> {
    return this.call({ cmd: 'open', servers, options, stream });
  }
  publish(type: string, payloads: unknown[]): Promise<number> {
    return this.call({ cmd: 'publish', type, payloads });
  }
  waitFor(type: string, matcher: Record<string, unknown>, timeout = 5000): Promise<unknown> {
    return this.call({ cmd: 'waitFor', type, matcher, timeout });
  }
  request(type: string, payload: unknown, timeout = 5000): Promise<unknown> {
    return this.call({ cmd: 'request', type, payload, timeout });
  }
  handle(type: string, reply: Record<string, unknown>): Promise<void> {
    return this.call({ cmd: 'handle', type, reply });
  }
  consume(pattern: string, options: { delay?: number; report?: boolean } = {}): Promise<void> {
    return this.call({ cmd: 'consume', pattern, ...options });
  }
  stats(): Promise<{ bridge: BridgeStats; handled: unknown[] }> {
    return this.call({ cmd: 'stats' });
  }
}
