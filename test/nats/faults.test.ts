/**
 * Faults with a private nats-server (started, killed with SIGKILL and
 * restarted here; the shared one is never touched). The numbers each test
 * prints are the ones in docs/distributed.md's fault table.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, type AnyEvents, type Bus } from 'rxbus';
import { bridge, ensureStream, type BridgeStatus, type NatsBridge } from 'rxbus/nats';
import { connectTo, PrivateServer, uniquePrefix } from './server.js';
import { existsSync } from 'node:fs';

const TOTAL = 10_000;
const KILL_AT = 3_000;

/** Publishes TOTAL events in chunks, killing and restarting the server once KILL_AT were published. */
async function publishThroughACrash(server: PrivateServer, producer: Bus<AnyEvents>): Promise<void> {
  for (let id = 0; id < TOTAL; id++) {
    producer.publish('job', { id });
    if (id % 250 === 249) await new Promise((r) => setTimeout(r, 5)); // let the client write and the server store
    if (id === KILL_AT) {
      await server.kill();
      // A few events go out while the server is down (the client buffers them).
      for (let more = 0; more < 50; more++) producer.publish('job', { id: ++id });
      await new Promise((r) => setTimeout(r, 300));
      await server.restart();
    }
  }
}

describe.skipIf(!existsSync('/usr/sbin/nats-server'))('rxbus/nats under faults (private server)', () => {
  let server: PrivateServer;
  const connections: NatsConnection[] = [];
  const bridges: NatsBridge[] = [];
  const connect = async () => {
    const nc = await connectTo(server.url);
    connections.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await PrivateServer.start();
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close({ timeout: 2000 })));
    await Promise.all(connections.map((nc) => nc.close()));
    await server.stop();
  });

  it('JetStream: kill -9 of the server in the middle of 10 000 events loses none, and drops and counts the duplicates', async () => {
    const prefix = uniquePrefix('jscrash');
    const [ncOut, ncIn] = [await connect(), await connect()];
    await ensureStream(ncOut, { prefix, storage: 'file' });
    const producer = createBus();
    const consumer = createBus({ concurrency: 32 });
    for (const bus of [producer, consumer]) bus.errors$.subscribe(() => undefined);
    const out = await bridge(producer, ncOut, { prefix, mode: 'jetstream', publish: 'job', jetstream: { maxOutbox: 20_000 } });
    const inb = await bridge(consumer, ncIn, {
      prefix,
      mode: 'jetstream',
      subscribe: 'job',
      group: 'crash',
      jetstream: { ackWait: 2000, backoff: () => 200 },
    });
    bridges.push(out, inb);
    const statuses: BridgeStatus[] = [];
    inb.status$.subscribe((s) => statuses.push(s));
    const handled = new Map<number, number>();
    consumer.on('job', (p) => {
      const { id } = p as { id: number };
      handled.set(id, (handled.get(id) ?? 0) + 1);
    });
    const started = Date.now();
    await publishThroughACrash(server, producer);
    await expect.poll(() => handled.size, { timeout: 60_000, interval: 200 }).toBe(TOTAL);
    await expect.poll(() => out.stats().outbox, { timeout: 30_000, interval: 200 }).toBe(0);
    const twice = [...handled.values()].filter((n) => n > 1).length;
    const { duplicates, redelivered } = inb.stats();
    console.log(
      `jetstream crash: ${TOTAL} published, ${handled.size} handled (0 lost), handled twice ${twice}, duplicates dropped ${duplicates}, redelivered ${redelivered}, send errors retried ${out.stats().sendErrors}, ${Date.now() - started} ms`,
    );
    expect(handled.size).toBe(TOTAL);
    expect(twice).toBe(0);
    expect(statuses).toContain('disconnected');
    expect(statuses.at(-1)).toBe('connected');
  });

  it('core: kill -9 of the server in the middle of 10 000 events loses some, and the loss is measured', async () => {
    const prefix = uniquePrefix('corecrash');
    const [ncOut, ncIn] = [await connect(), await connect()];
    const producer = createBus();
    const consumer = createBus();
    for (const bus of [producer, consumer]) bus.errors$.subscribe(() => undefined);
    const out = await bridge(producer, ncOut, { prefix, publish: 'job' });
    const inb = await bridge(consumer, ncIn, { prefix, subscribe: 'job' });
    bridges.push(out, inb);
    const handled = new Set<number>();
    consumer.on('job', (p) => void handled.add((p as { id: number }).id));
    await publishThroughACrash(server, producer);
    await ncOut.flush();
    // Quiet for a moment: whatever is still on the way arrives.
    let last = -1;
    while (last !== handled.size) {
      last = handled.size;
      await new Promise((r) => setTimeout(r, 300));
    }
    const { sent, sendErrors } = out.stats();
    const lost = TOTAL - handled.size;
    console.log(`core crash: ${TOTAL} published, bridge sent ${sent} (send errors ${sendErrors}), ${handled.size} received, ${lost} lost`);
    expect(sent + sendErrors).toBe(TOTAL);
    expect(inb.stats().received).toBe(handled.size);
    expect(handled.size).toBeLessThanOrEqual(TOTAL);
  });
});
