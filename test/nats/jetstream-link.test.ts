import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, createBus, type AnyEvents, type Bus } from 'rxbus';
import { bridge, ensureStream, type NatsBridge, type NatsBridgeOptions } from 'rxbus/nats';
import { connectTo, SHARED, sharedServerUp, uniquePrefix } from './server.js';

const up = await sharedServerUp();

describe.skipIf(!up)('rxbus/nats bridge, JetStream mode (shared server)', () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  const bridges: NatsBridge[] = [];

  /** A fresh prefix with its stream. */
  async function stream(tag: string): Promise<string> {
    const prefix = uniquePrefix(tag);
    streams.push(await ensureStream(nc, { prefix, storage: 'memory', maxAge: 600_000 }));
    return prefix;
  }
  async function open(bus: Bus<AnyEvents>, options: NatsBridgeOptions) {
    // Bridge errors are asserted on bridge.errors$; keep bus.errors$ observed so they are not logged.
    bus.errors$.subscribe(() => undefined);
    const b = await bridge(bus, nc, { mode: 'jetstream', ...options, jetstream: { backoff: () => 50, ...options.jetstream } });
    bridges.push(b);
    return b;
  }

  beforeAll(async () => {
    nc = await connectTo(SHARED);
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    const jsm = await jetstreamManager(nc);
    for (const name of streams) await jsm.streams.delete(name).catch(() => undefined);
    await nc.close();
  });

  it('refuses to open without the stream, naming ensureStream', async () => {
    const error = await bridge(createBus(), nc, { mode: 'jetstream', prefix: uniquePrefix('nostream'), subscribe: 'a' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as Error).message).toMatch(/ensureStream/);
  });

  it('delivers stored events and acknowledges them after the handlers finished', async () => {
    const prefix = await stream('ack');
    const producer = createBus();
    const consumer = createBus();
    const out = await open(producer, { prefix, publish: 'order.*' });
    const inb = await open(consumer, { prefix, subscribe: 'order.*', group: 'billing' });
    const seen: number[] = [];
    consumer.on('order.created', async (p) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push((p as { n: number }).n);
    });
    for (let n = 0; n < 20; n++) producer.publish('order.created', { n });
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(20);
    await expect
      .poll(async () => (await (await jetstreamManager(nc)).consumers.info(streams.at(-1)!, 'billing')).num_ack_pending, { timeout: 5000 })
      .toBe(0);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(out.stats()).toMatchObject({ sent: 20, outbox: 0 });
    expect(inb.stats()).toMatchObject({ received: 20, failed: 0, redelivered: 0, inFlight: 0 });
  });

  it('redelivers after a handler failure, and terminates a message that always fails after maxDeliver, without stalling the rest', async () => {
    const prefix = await stream('retry');
    const producer = createBus();
    const consumer = createBus();
    await open(producer, { prefix, publish: 'job' });
    const inb = await open(consumer, { prefix, subscribe: 'job', group: 'w', jetstream: { maxDeliver: 3 } });
    const errors: BridgeError[] = [];
    inb.errors$.subscribe((e) => errors.push(e));
    const attempts = new Map<string, number>();
    const done: string[] = [];
    consumer.on('job', (p) => {
      const { id, mode } = p as { id: string; mode: 'once' | 'always' | 'ok' };
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      if (mode === 'always' || (mode === 'once' && n === 1)) throw new Error(`${id} failed`);
      done.push(id);
    });
    producer.publish('job', { id: 'poison', mode: 'always' });
    producer.publish('job', { id: 'flaky', mode: 'once' });
    for (let i = 0; i < 5; i++) producer.publish('job', { id: `ok${i}`, mode: 'ok' });
    await expect.poll(() => done.length, { timeout: 10_000 }).toBe(6);
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(1);
    expect(errors[0]).toMatchObject({ reason: 'handler-failed', attempts: 3 });
    expect(attempts.get('poison')).toBe(3);
    expect(attempts.get('flaky')).toBe(2);
    expect(inb.stats()).toMatchObject({ received: 10, failed: 4, terminated: 1, redelivered: 3 });
  });

  it('terminates an invalid message at once and counts it', async () => {
    const prefix = await stream('invalid');
    const consumer = createBus();
    const inb = await open(consumer, { prefix, subscribe: 'x', group: 'g' });
    const js = jetstream(nc);
    const valid = consumer.waitFor('x', 1, { timeout: 5000 });
    await js.publish(`${prefix}.events.x`, '{"v":1,"type":"x"');
    await js.publish(`${prefix}.events.x`, JSON.stringify({ v: 1, type: 'x', payload: 1, id: 1, time: 0, origin: 'raw' }));
    await valid;
    expect(inb.stats()).toMatchObject({ invalid: 1, terminated: 1, received: 1 });
  });

  it('lets the server drop a resent copy by its message id (origin + id)', async () => {
    const prefix = await stream('dedupe');
    const producer = createBus();
    const out = await open(producer, { prefix, publish: 'x' });
    producer.publish('x', 1);
    await expect.poll(() => out.stats().sent, { timeout: 5000 }).toBe(1);
    const js = jetstream(nc);
    const ack = await js.publish(
      `${prefix}.events.x`,
      JSON.stringify({ v: 1, type: 'x', payload: 1, id: 1, time: 0, origin: out.origin }),
      { msgID: `${out.origin}#1` },
    );
    expect(ack.duplicate).toBe(true);
    const info = await (await jetstreamManager(nc)).streams.info(streams.at(-1)!);
    expect(info.state.messages).toBe(1);
  });

  it('fetches only what the bus has room for: a slow consumer leaves the rest on the server', async () => {
    const prefix = await stream('pace');
    const producer = createBus();
    const consumer = createBus({ concurrency: 2, capacity: 2 });
    await open(producer, { prefix, publish: 'slow' });
    const inb = await open(consumer, { prefix, subscribe: 'slow', group: 'pace', maxInFlight: 4 });
    let maxInFlight = 0;
    let handled = 0;
    consumer.on('slow', async () => {
      maxInFlight = Math.max(maxInFlight, inb.stats().inFlight);
      await new Promise((r) => setTimeout(r, 20));
      handled++;
    });
    for (let i = 0; i < 40; i++) producer.publish('slow', i);
    await expect.poll(() => handled, { timeout: 2000 }).toBeGreaterThan(4);
    const info = await (await jetstreamManager(nc)).consumers.info(streams.at(-1)!, 'pace');
    // Held by this process: at most maxInFlight; the rest still waits on the server for any member of the group.
    expect(info.num_ack_pending).toBeLessThanOrEqual(4);
    expect(info.num_pending + info.num_ack_pending + handled).toBeGreaterThanOrEqual(40);
    await expect.poll(() => handled, { timeout: 10_000 }).toBe(40);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('gives each process its own consumer without a group, removed on close', async () => {
    const prefix = await stream('fanout');
    const producer = createBus();
    await open(producer, { prefix, publish: 'tick' });
    const a = createBus();
    const b = createBus();
    const bridgeA = await open(a, { prefix, subscribe: 'tick' });
    await open(b, { prefix, subscribe: 'tick' });
    const atA = a.waitFor('tick', 7, { timeout: 5000 });
    const atB = b.waitFor('tick', 7, { timeout: 5000 });
    producer.publish('tick', 7);
    await Promise.all([atA, atB]);
    const jsm = await jetstreamManager(nc);
    const name = (origin: string) => `rxbus-${origin.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    await expect(jsm.consumers.info(streams.at(-1)!, name(bridgeA.origin))).resolves.toBeDefined();
    await bridgeA.close();
    await expect(jsm.consumers.info(streams.at(-1)!, name(bridgeA.origin))).rejects.toThrow();
  });
});
