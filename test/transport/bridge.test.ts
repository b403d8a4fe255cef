import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BridgeError,
  createBus,
  NoResponderError,
  RemoteError,
  RequestTimeoutError,
  type Bus,
  type HandlerError,
} from '../../src/index.js';
import { VirtualScheduler } from '../../src/testing/index.js';
import type { BridgeOptions } from '../../src/transport/bridge-api.js';
import { openBridge, type BridgeSpec } from '../../src/transport/bridge.js';
import { sourceOf } from '../../src/transport/remote-events.js';
import { deferred, flush } from '../support/async.js';
import { MemoryBroker } from '../support/memory-broker.js';

type AnyBus = Bus<Record<string, unknown>>;

function open(broker: MemoryBroker, bus: AnyBus, options: BridgeOptions, spec: Partial<BridgeSpec> = {}) {
  // Errors are asserted on bridge.errors$; an observed bus.errors$ keeps them out of the test log.
  bus.errors$.subscribe(() => undefined);
  return openBridge(bus, options, { transport: 'memory', guarantee: 'at-most-once', link: (context) => broker.link(context), ...spec });
}

const envelope = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, type: 'order.created', payload: { id: '1' }, id: 1, time: 0, origin: 'elsewhere', ...fields });

describe('bridge (over an in-memory broker)', () => {
  it('carries events of the publish patterns to the subscribe patterns of another bus, and never back', async () => {
    const broker = new MemoryBroker();
    const a = createBus();
    const b = createBus();
    const bridgeA = await open(broker, a, { publish: 'order.*', subscribe: 'order.*' });
    const bridgeB = await open(broker, b, { publish: 'order.*', subscribe: 'order.*' });
    const seenA: string[] = [];
    const seenB: string[] = [];
    a.on('order.*', (p: unknown) => void seenA.push((p as { id: string }).id));
    b.on('order.*', (p: unknown) => void seenB.push((p as { id: string }).id));
    a.publish('order.created', { id: 'from-a' });
    a.publish('user.created', { id: 'not-sent' });
    await flush();
    b.publish('order.paid', { id: 'from-b' });
    await flush();
    expect(seenA).toEqual(['from-a', 'from-b']);
    expect(seenB).toEqual(['from-a', 'from-b']);
    // A's event reached B once, and B did not send it back out.
    expect(broker.published.map((m) => m.topic)).toEqual(['rxbus.events.order.created', 'rxbus.events.order.paid']);
    expect(bridgeA.stats()).toMatchObject({ sent: 1, received: 1, invalid: 0, duplicates: 0 });
    expect(bridgeB.stats()).toMatchObject({ sent: 1, received: 1 });
    await Promise.all([bridgeA.close(), bridgeB.close()]);
  });

  it('lets a waiter in one bus resolve on an event published on another', async () => {
    const broker = new MemoryBroker();
    const a = createBus();
    const b = createBus();
    await open(broker, a, { publish: 'page.**' });
    await open(broker, b, { subscribe: 'page.**' });
    const waiting = b.waitFor('page.response', { status: 200 }, { timeout: 1000 });
    a.publish('page.response', { status: 404 });
    a.publish('page.response', { status: 200 });
    const event = await waiting;
    expect(event.payload).toEqual({ status: 200 });
    expect(sourceOf(event)).toMatchObject({ id: 2 });
  });

  it('filters a wider subscription with the rxbus pattern (** in the middle)', async () => {
    const broker = new MemoryBroker();
    const a = createBus();
    const b = createBus();
    await open(broker, a, { publish: '**' });
    const bridgeB = await open(broker, b, { subscribe: 'job.**.done' });
    const seen: string[] = [];
    b.events$().subscribe((e) => seen.push(e.type));
    a.publish('job.x.y.done', 1);
    a.publish('job.x.started', 1);
    await flush();
    expect(seen).toEqual(['job.x.y.done']);
    expect(bridgeB.stats().received).toBe(1);
  });

  it('never sends rxbus $ types, and refuses them in options', async () => {
    const broker = new MemoryBroker();
    const a = createBus();
    await open(broker, a, { publish: '**', requests: 'user.get' });
    a.handle('user.get', () => 'ada');
    await a.request('user.get', 1);
    await flush();
    expect(broker.published.map((m) => m.topic)).toEqual(['rxbus.events.user.get']);
    await expect(open(broker, createBus(), { publish: '$reply.*' })).rejects.toThrow(/reserved/);
  });

  it.each([
    ['truncated JSON', 'rxbus.events.order.created', envelope().slice(0, 30), 'invalid-message'],
    ['a huge message', 'rxbus.events.order.created', envelope({ payload: 'x'.repeat(5000) }), 'invalid-message'],
    ['a wrong envelope version', 'rxbus.events.order.created', envelope({ v: 2 }), 'invalid-message'],
    [
      'a __proto__ payload',
      'rxbus.events.order.created',
      envelope({ payload: JSON.parse('{"__proto__":{"admin":true}}') }),
      'invalid-message',
    ],
    ['a $reply type from outside', 'rxbus.events.order.created', envelope({ type: '$reply.order.created' }), 'invalid-message'],
    ['a type that is not its subject', 'rxbus.events.order.created', envelope({ type: 'order.deleted' }), 'invalid-message'],
    ['a payload failing its schema', 'rxbus.events.order.created', envelope({ payload: { id: 7 } }), 'schema'],
  ])('counts, reports and drops %s, then goes on', async (_name, topic, data, reason) => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const bridge = await open(broker, bus, {
      subscribe: 'order.*',
      maxMessageBytes: 4096,
      schema: { 'order.created': z.object({ id: z.string() }) },
    });
    const fromBridge = firstValueFrom(bridge.errors$);
    const onBus: HandlerError[] = [];
    bus.errors$.subscribe((e) => onBus.push(e));
    const delivered: unknown[] = [];
    bus.on('order.*', (p: unknown) => void delivered.push(p));
    broker.publish(topic, data);
    broker.publish('rxbus.events.order.created', envelope({ id: 2, payload: { id: 'ok' } }));
    await flush();
    const error = await fromBridge;
    expect(error).toBeInstanceOf(BridgeError);
    expect(error.reason).toBe(reason);
    expect(error.subject).toBe(topic);
    expect(onBus).toEqual([error]);
    expect(delivered).toEqual([{ id: 'ok' }]);
    expect(bridge.stats()).toMatchObject({ invalid: 1, received: 1 });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('drops a duplicate (same origin and id) and counts it', async () => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const bridge = await open(broker, bus, { subscribe: 'order.*' });
    const delivered: unknown[] = [];
    bus.on('order.created', (p: unknown) => void delivered.push(p));
    broker.publish('rxbus.events.order.created', envelope());
    await flush();
    broker.publish('rxbus.events.order.created', envelope());
    broker.publish('rxbus.events.order.created', envelope({ origin: 'another' }));
    await flush();
    expect(delivered).toHaveLength(2);
    expect(bridge.stats()).toMatchObject({ received: 2, duplicates: 1 });
  });

  it('publishes the schema-transformed value, in arrival order even with an async validator', async () => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const slowFirst = z.object({ n: z.number() }).transform(async (v) => {
      if (v.n === 1) await flush(3);
      return { n: v.n * 10 };
    });
    await open(broker, bus, { subscribe: 'order.*', schema: { 'order.created': slowFirst } });
    const seen: unknown[] = [];
    bus.events$('order.created').subscribe((e) => seen.push(e.payload));
    for (const n of [1, 2, 3]) broker.publish('rxbus.events.order.created', envelope({ id: n, payload: { n } }));
    await flush(10);
    expect(seen).toEqual([{ n: 10 }, { n: 20 }, { n: 30 }]);
  });

  it('shares events across a group: each to one member', async () => {
    const broker = new MemoryBroker();
    const producer = createBus();
    await open(broker, producer, { publish: 'job' });
    const counts = [0, 0, 0];
    for (const i of [0, 1, 2]) {
      const worker = createBus();
      worker.on('job', () => void counts[i]!++);
      await open(broker, worker, { subscribe: 'job', group: 'workers' });
    }
    for (let n = 0; n < 30; n++) producer.publish('job', n);
    await flush();
    expect(counts).toEqual([10, 10, 10]);
  });

  it('does not count a burst published at once as in flight', async () => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const bridge = await open(broker, bus, { subscribe: 'order.*', maxInFlight: 2 });
    // One synchronous loop, as a client hands over one socket read.
    for (let id = 1; id <= 50; id++)
      broker.lastContext!.ingress.receive({ topic: 'rxbus.events.order.created', data: envelope({ id }), attempt: 1 });
    expect(bridge.stats()).toMatchObject({ received: 50, inFlight: 0, dropped: 0 });
  });

  it('drops and counts incoming events beyond maxInFlight when the bus has no room (at-most-once)', async () => {
    const broker = new MemoryBroker();
    const bus = createBus({ concurrency: 1, capacity: 0 });
    const gate = deferred();
    bus.on('order.created', () => gate.promise);
    const bridge = await open(broker, bus, { subscribe: 'order.*', maxInFlight: 2 });
    const errors: BridgeError[] = [];
    bridge.errors$.subscribe((e) => errors.push(e));
    for (let id = 1; id <= 4; id++) broker.publish('rxbus.events.order.created', envelope({ id }));
    await flush();
    // All four arrive in one go: #1 is published at once (not in flight),
    // #2 and #3 wait for room, #4 finds two in flight and is dropped.
    expect(bridge.stats()).toMatchObject({ received: 1, inFlight: 2, dropped: 1 });
    expect(errors.map((e) => e.reason)).toEqual(['dropped']);
    gate.resolve();
    await flush();
    expect(bridge.stats()).toMatchObject({ received: 3, inFlight: 0 });
  });

  it('reports an event that cannot be encoded as send-failed and keeps the publisher unharmed', async () => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const bridge = await open(broker, bus, { publish: 'x' });
    const errors: BridgeError[] = [];
    bridge.errors$.subscribe((e) => errors.push(e));
    expect(() => bus.publish('x', { big: 1n })).not.toThrow();
    bus.publish('x', { fine: 1 });
    expect(errors.map((e) => e.reason)).toEqual(['send-failed']);
    expect(bridge.stats()).toMatchObject({ sent: 1, sendErrors: 1 });
  });

  it('counts a failed asynchronous send at most once (at-most-once) and resends it with its id (at-least-once)', async () => {
    const scheduler = new VirtualScheduler();
    const attempts: Array<[string, string]> = [];
    let fail = 2;
    const sendingLink = (broker: MemoryBroker) => (context: Parameters<BridgeSpec['link']>[0]) => ({
      ...broker.link(context),
      send: (_topic: string, _data: string, id: string) => {
        attempts.push([context.origin === 'once' ? 'once' : 'least', id]);
        return fail-- > 0 ? Promise.reject(new Error('no ack')) : Promise.resolve();
      },
    });
    const once = createBus({ scheduler });
    const onceBridge = await open(new MemoryBroker(), once, { publish: 'x', origin: 'once' }, { link: sendingLink(new MemoryBroker()) });
    once.publish('x', 1);
    await flush();
    expect(onceBridge.stats()).toMatchObject({ sent: 0, sendErrors: 1, outbox: 0 });
    fail = 2;
    const least = createBus({ scheduler });
    const leastBridge = await open(
      new MemoryBroker(),
      least,
      { publish: 'x', origin: 'least' },
      { guarantee: 'at-least-once', link: sendingLink(new MemoryBroker()) },
    );
    least.publish('x', 1);
    await flush();
    expect(leastBridge.stats()).toMatchObject({ sent: 0, outbox: 1 });
    scheduler.advance(100);
    await flush();
    scheduler.advance(200);
    await flush();
    expect(leastBridge.stats()).toMatchObject({ sent: 1, outbox: 0, sendErrors: 1 });
    expect(attempts).toEqual([
      ['once', 'once#1'],
      ['least', 'least#1'],
      ['least', 'least#1'],
      ['least', 'least#1'],
    ]);
  });

  describe('requests', () => {
    async function pair(options: BridgeOptions = {}) {
      const broker = new MemoryBroker();
      const scheduler = new VirtualScheduler();
      const caller = createBus({ scheduler });
      const server = createBus();
      const callerBridge = await open(broker, caller, { requests: 'user.*', ...options });
      const serverBridge = await open(broker, server, { requests: 'user.*', ...options });
      return { broker, scheduler, caller, server, callerBridge, serverBridge };
    }

    it('answers a request with the responder of another process', async () => {
      const { caller, server, callerBridge, serverBridge } = await pair();
      server.handle('user.get', (payload) => ({ id: (payload as { id: string }).id, name: 'Ada' }));
      expect(await caller.request('user.get', { id: '7' })).toEqual({ id: '7', name: 'Ada' });
      expect(callerBridge.stats()).toMatchObject({ requestsSent: 1, pendingRequests: 0 });
      expect(serverBridge.stats()).toMatchObject({ requestsServed: 1 });
    });

    it('rejects with NoResponderError when no process has a responder', async () => {
      const { caller, server } = await pair();
      const sub = server.handle('user.get', () => 1);
      sub.unsubscribe();
      await expect(caller.request('user.get', {})).rejects.toBeInstanceOf(NoResponderError);
    });

    it('rejects with RemoteError carrying the remote name and message', async () => {
      const { caller, server } = await pair();
      server.handle('user.get', () => {
        throw Object.assign(new Error('no user 7'), { name: 'NotFoundError' });
      });
      const error = await caller.request('user.get', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({ type: 'user.get', remoteName: 'NotFoundError', remoteMessage: 'no user 7' });
    });

    it('rejects with RequestTimeoutError on the bus scheduler, and with signal.reason on abort', async () => {
      const { caller, server, scheduler, callerBridge } = await pair();
      server.handle('user.get', () => new Promise(() => undefined));
      const timedOut = caller.request('user.get', {}, { timeout: 500 }).catch((e: unknown) => e);
      await flush();
      scheduler.advance(500);
      expect(await timedOut).toBeInstanceOf(RequestTimeoutError);
      const controller = new AbortController();
      const aborted = caller.request('user.get', {}, { signal: controller.signal, timeout: 0 }).catch((e: unknown) => e);
      controller.abort(new Error('stop'));
      expect(await aborted).toMatchObject({ message: 'stop' });
      expect(callerBridge.stats().pendingRequests).toBe(0);
      expect(scheduler.pending).toBe(0);
    });

    it('refuses a request whose payload fails its schema, as a RemoteError for the caller', async () => {
      const { caller, server, serverBridge } = await pair({ schema: { 'user.get': z.object({ id: z.string() }) } });
      server.handle('user.get', () => 'never');
      const error = await caller.request('user.get', { id: 7 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'RemoteError', remoteName: 'BridgeError' });
      expect(serverBridge.stats().invalid).toBe(1);
    });
  });

  describe('at-least-once', () => {
    it('retries a failing delivery with backoff, then terminates it and reports handler-failed', async () => {
      const broker = new MemoryBroker();
      const bus = createBus();
      const settlements: string[] = [];
      bus.errors$.subscribe(() => undefined);
      const bridge = await openBridge(
        bus,
        { subscribe: 'order.*' },
        {
          transport: 'memory',
          guarantee: 'at-least-once',
          maxAttempts: 3,
          backoff: (attempt) => attempt * 100,
          link: (context) => broker.link(context),
        },
      );
      bus.on('order.created', () => {
        throw new Error('db down');
      });
      const errors: BridgeError[] = [];
      bridge.errors$.subscribe((e) => errors.push(e));
      // Drive the ingress by hand, as a broker redelivering the message would, to see each settlement.
      const context = broker.lastContext!;
      for (const attempt of [1, 2, 3]) {
        await new Promise<void>((resolve) => {
          context.ingress.receive({ topic: 'rxbus.events.order.created', data: envelope(), attempt }, (s, delay) => {
            settlements.push(delay === undefined ? s : `${s} ${delay}`);
            resolve();
          });
        });
      }
      expect(settlements).toEqual(['retry 100', 'retry 200', 'term']);
      expect(errors.map((e) => [e.reason, e.attempts])).toEqual([['handler-failed', 3]]);
      expect(bridge.stats()).toMatchObject({ failed: 3, terminated: 1, redelivered: 2 });
    });
  });

  it('close stops input, lets deliveries finish, completes status$ and errors$', async () => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const bridge = await open(broker, bus, { subscribe: 'order.*', publish: 'x' });
    const statuses = firstValueFrom(bridge.status$.pipe(toArray()));
    const gate = deferred();
    bus.on('order.created', () => gate.promise);
    broker.publish('rxbus.events.order.created', envelope());
    await flush();
    const closed = bridge.close();
    expect(broker.subs.size).toBe(0);
    gate.resolve();
    await closed;
    expect(await statuses).toEqual(['connected', 'closed']);
    bus.publish('x', 1);
    expect(broker.published).toHaveLength(1);
  });

  it('closes itself when the bus closes', async () => {
    const broker = new MemoryBroker();
    const bus = createBus();
    const bridge = await open(broker, bus, { subscribe: 'a' });
    const statuses = firstValueFrom(bridge.status$.pipe(toArray()));
    await bus.close();
    expect(await statuses).toEqual(['connected', 'closed']);
    expect(broker.subs.size).toBe(0);
  });
});
