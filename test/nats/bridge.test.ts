import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BridgeError, createBus, NoResponderError, RemoteError, RequestTimeoutError, type Bus } from 'rxbus';
import { bridge, sourceOf, type NatsBridge, type NatsBridgeOptions } from 'rxbus/nats';
import { connectTo, SHARED, sharedServerUp, uniquePrefix } from './server.js';
import type { AnyEvents as Events } from '../support/events.js';

const up = await sharedServerUp();

describe.skipIf(!up)('rxbus/nats bridge, core mode (shared server)', () => {
  let ncA: NatsConnection;
  let ncB: NatsConnection;
  const bridges: NatsBridge[] = [];
  const open = async (bus: Bus<Events>, nc: NatsConnection, options: NatsBridgeOptions) => {
    const b = await bridge(bus, nc, options);
    bridges.push(b);
    return b;
  };

  beforeAll(async () => {
    [ncA, ncB] = await Promise.all([connectTo(SHARED), connectTo(SHARED)]);
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    await Promise.all([ncA.close(), ncB.close()]);
  });

  it('carries events both ways between two connections, never back to their publisher', async () => {
    const prefix = uniquePrefix('both');
    const a = createBus();
    const b = createBus();
    const bridgeA = await open(a, ncA, { prefix, publish: 'order.*', subscribe: 'order.*' });
    const bridgeB = await open(b, ncB, { prefix, publish: 'order.*', subscribe: 'order.*' });
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    a.on('order.*', (p) => void seenA.push(p));
    b.on('order.*', (p) => void seenB.push(p));
    const atB = b.waitFor('order.created', { id: 1 }, { timeout: 5000 });
    a.publish('order.created', { id: 1 });
    const event = await atB;
    expect(sourceOf(event)).toEqual({ origin: bridgeA.origin, id: 1, time: expect.any(Number) });
    const atA = a.waitFor('order.paid', undefined, { timeout: 5000 });
    b.publish('order.paid', { id: 2 });
    await atA;
    await ncA.flush();
    await ncB.flush();
    await a.settled();
    await b.settled();
    expect(seenA).toEqual([{ id: 1 }, { id: 2 }]);
    expect(seenB).toEqual([{ id: 1 }, { id: 2 }]);
    expect(bridgeA.stats()).toMatchObject({ sent: 1, received: 1, invalid: 0, duplicates: 0 });
    expect(bridgeB.stats()).toMatchObject({ sent: 1, received: 1, invalid: 0, duplicates: 0 });
  });

  it('maps * and ** to NATS wildcards, and sends a type with a space percent-encoded', async () => {
    const prefix = uniquePrefix('wild');
    const a = createBus();
    const b = createBus();
    await open(a, ncA, { prefix, publish: '**' });
    await open(b, ncB, { prefix, subscribe: ['page.**', 'job.*'] });
    const raw: string[] = [];
    const sub = ncB.subscribe(`${prefix}.events.>`, { callback: (_e, m) => void raw.push(m.subject) });
    await ncB.flush();
    const types = firstValueFrom(b.events$().pipe(toArray()));
    a.publish('page.a.b', 1);
    a.publish('job.x', 1);
    a.publish('job.x.y', 1);
    a.publish('page.with space', 1);
    await b.waitFor('page.with space', undefined, { timeout: 5000 });
    sub.unsubscribe();
    await b.close();
    expect((await types).map((e) => e.type)).toEqual(['page.a.b', 'job.x', 'page.with space']);
    expect(raw).toEqual([
      `${prefix}.events.page.a.b`,
      `${prefix}.events.job.x`,
      `${prefix}.events.job.x.y`,
      `${prefix}.events.page.with%20space`,
    ]);
  });

  it('shares events across a queue group', async () => {
    const prefix = uniquePrefix('group');
    const producer = createBus();
    await open(producer, ncA, { prefix, publish: 'job' });
    const workers = [createBus(), createBus()];
    const counts = [0, 0];
    for (const [i, worker] of workers.entries()) {
      worker.on('job', () => void counts[i]!++);
      await open(worker, ncB, { prefix, subscribe: 'job', group: 'workers' });
    }
    for (let n = 0; n < 200; n++) producer.publish('job', n);
    await ncA.flush();
    await expect.poll(() => counts[0]! + counts[1]!, { timeout: 5000 }).toBe(200);
    // Two subscriptions on one connection in one queue group: NATS picks one at random each time.
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  it('answers requests across connections, with NoResponderError, RemoteError and RequestTimeoutError', async () => {
    const prefix = uniquePrefix('req');
    const caller = createBus();
    const server = createBus();
    const callerBridge = await open(caller, ncA, { prefix, requests: 'user.*' });
    const serverBridge = await open(server, ncB, { prefix, requests: 'user.*' });
    await expect(caller.request('user.get', { id: '7' }, { timeout: 2000 })).rejects.toBeInstanceOf(NoResponderError);
    server.handle('user.get', (p) => ({ id: (p as { id: string }).id, name: 'Ada' }));
    server.handle('user.fail', () => {
      throw Object.assign(new Error('no user 9'), { name: 'NotFoundError' });
    });
    server.handle('user.slow', () => new Promise(() => undefined));
    await ncB.flush();
    expect(await caller.request('user.get', { id: '7' }, { timeout: 2000 })).toEqual({ id: '7', name: 'Ada' });
    await expect(caller.request('user.fail', {}, { timeout: 2000 })).rejects.toMatchObject({
      name: 'RemoteError',
      remoteName: 'NotFoundError',
      remoteMessage: 'no user 9',
    });
    const slow = await caller.request('user.slow', {}, { timeout: 200 }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(RequestTimeoutError);
    expect(slow).not.toBeInstanceOf(RemoteError);
    expect(callerBridge.stats()).toMatchObject({ requestsSent: 4, pendingRequests: 0 });
    expect(serverBridge.stats().requestsServed).toBe(3);
  });

  it('counts and reports bad input from the wire, and keeps going', async () => {
    const prefix = uniquePrefix('bad');
    const bus = createBus();
    const b = await open(bus, ncB, {
      prefix,
      subscribe: 'order.*',
      maxMessageBytes: 64 * 1024,
      schema: { 'order.created': z.object({ id: z.number() }) },
    });
    const errors = firstValueFrom(b.errors$.pipe(toArray()));
    const onBus: unknown[] = [];
    bus.errors$.subscribe((e) => onBus.push(e));
    const subject = `${prefix}.events.order.created`;
    const good = (id: number, payload: unknown = { id }) =>
      JSON.stringify({ v: 1, type: 'order.created', payload, id, time: 0, origin: 'wire-test' });
    ncA.publish(subject, good(1).slice(0, 25)); // truncated JSON
    ncA.publish(subject, good(2, 'x'.repeat(100 * 1024))); // huge
    ncA.publish(subject, good(3).replace('"v":1', '"v":9')); // wrong version
    ncA.publish(subject, '{"v":1,"type":"order.created","payload":{"__proto__":{"x":1}},"id":4,"time":0,"origin":"w"}');
    ncA.publish(`${prefix}.events.$reply.order.created`, good(5).replace('"order.created"', '"$reply.order.created"'));
    ncA.publish(subject, good(6, { id: 'six' })); // schema
    ncA.publish(subject, good(7));
    await bus.waitFor('order.created', { id: 7 }, { timeout: 5000 });
    await b.close();
    expect((await errors).map((e) => e.reason)).toEqual([
      'invalid-message',
      'invalid-message',
      'invalid-message',
      'invalid-message',
      'schema',
    ]);
    expect(b.stats()).toMatchObject({ invalid: 5, received: 1 });
    expect(onBus).toHaveLength(5);
    expect(onBus.every((e) => e instanceof BridgeError)).toBe(true);
  });

  it('never gives up silently: a connection closed under the bridge shows as closed and is reported', async () => {
    const nc = await connectTo(SHARED);
    const bus = createBus();
    bus.errors$.subscribe(() => undefined);
    const b = await bridge(bus, nc, { prefix: uniquePrefix('gone'), subscribe: 'x' });
    const statuses: string[] = [];
    b.status$.subscribe((s) => statuses.push(s));
    const error = firstValueFrom(b.errors$);
    await nc.close();
    expect(await error).toMatchObject({ name: 'BridgeError', reason: 'connection' });
    expect(statuses).toEqual(['connected', 'closed']);
    await b.close();
  });

  it('reports status changes and closes cleanly', async () => {
    const nc = await connectTo(SHARED);
    const bus = createBus();
    const b = await bridge(bus, nc, { prefix: uniquePrefix('status'), subscribe: 'x', publish: 'y' });
    const statuses = firstValueFrom(b.status$.pipe(toArray()));
    await b.close();
    expect(await statuses).toEqual(['connected', 'closed']);
    expect(nc.isClosed()).toBe(false);
    await nc.close();
    await expect(bridge(bus, nc, {})).rejects.toBeInstanceOf(BridgeError);
  });
});
