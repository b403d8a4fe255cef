/**
 * The NATS servers of the tests: the shared one on 127.0.0.1:4222 (`.ci/run`
 * starts it; tests use a unique subject prefix per run and never restart
 * it), and private ones a test starts, kills and restarts itself.
 */
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { freePort, portOpen, ServerProcess } from '../support/server-process.js';

export const SHARED = 'nats://127.0.0.1:4222';

/** A prefix no other test run uses. */
export function uniquePrefix(tag: string): string {
  return `t${process.pid}_${Date.now().toString(36)}_${tag}`;
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

/** A nats-server of one test, with JetStream on a temporary directory. */
export class PrivateServer extends ServerProcess {
  private constructor(port: number) {
    super(port, 'nats');
  }

  static async start(): Promise<PrivateServer> {
    const server = new PrivateServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return ['/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir]];
  }
}
