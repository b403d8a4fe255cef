/**
 * rxbus/redis against the shared redis-server (unique key prefix per test):
 * pub/sub and Streams modes, wildcards, validation, bad input from the wire,
 * retries and dead letters, take-over of idle entries, backpressure, cleanup.
 */
import type { Redis } from 'ioredis';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, createBus, type Bus } from 'rxbus';
import { bridge, sourceOf, type RedisBridge, type RedisBridgeOptions } from 'rxbus/redis';
import { connectTo, sharedRedisUp, uniquePrefix } from './server.js';
import type { AnyEvents as Events } from '../support/events.js';

const up = await sharedRedisUp();

const envelope = (type: string, id: number, payload: unknown, origin = 'raw-producer') =>
  JSON.stringify({ v: 1, type, payload, id, time: 0, origin });

describe.skipIf(!up)('rxbus/redis bridge (shared server)', () => {
  let redisA: Redis;
  let redisB: Redis;
  let raw: Redis;
  const bridges: RedisBridge[] = [];
  const prefixes: string[] = [];
  const prefixOf = (tag: string) => {
    const prefix = uniquePrefix(tag);
    prefixes.push(prefix);
    return prefix;
  };
  const open = async (bus: Bus<Events>, redis: Redis, options: RedisBridgeOptions) => {
    const b = await bridge(bus, redis, options);
    bridges.push(b);
    return b;
  };

  beforeAll(() => {
    [redisA, redisB, raw] = [connectTo(), connectTo(), connectTo()];
  });
  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close()));
    for (const prefix of prefixes) await raw.del(`${prefix}.events`, `${prefix}.dead-letters`);
    await Promise.all([redisA.quit(), redisB.quit(), raw.quit()]);
  });

  describe('pub/sub', () => {
    it('carries events both ways between two connections, never back to their publisher, and counts receivers', async () => {
      const prefix = prefixOf('both');
      const a = createBus();
      const b = createBus();
      const bridgeA = await open(a, redisA, { prefix, publish: 'order.*', subscribe: 'order.*' });
      const bridgeB = await open(b, redisB, { prefix, publish: 'order.*', subscribe: 'order.*' });
      const seenA: unknown[] = [];
      const seenB: unknown[] = [];
      a.on('order.*', (p) => void seenA.push(p));
      b.on('order.*', (p) => void seenB.push(p));
      const atB = b.waitFor('order.created', { id: 1 }, { timeout: 5000 });
      a.publish('order.created', { id: 1 });
      expect(sourceOf(await atB)).toEqual({ origin: bridgeA.origin, id: 1, time: expect.any(Number) });
      const atA = a.waitFor('order.paid', undefined, { timeout: 5000 });
      b.publish('order.paid', { id: 2 });
      await atA;
      await Promise.all([a.settled(), b.settled(), redisA.ping(), redisB.ping()]);
      expect(seenA).toEqual([{ id: 1 }, { id: 2 }]);
      expect(seenB).toEqual([{ id: 1 }, { id: 2 }]);
      // Each PUBLISH reached both subscribers (the publisher's own skips it).
      expect(bridgeA.stats()).toMatchObject({ sent: 1, received: 1, invalid: 0, duplicates: 0, receivers: 2, unheard: 0 });
      expect(bridgeB.stats()).toMatchObject({ sent: 1, received: 1, invalid: 0, duplicates: 0, receivers: 2, unheard: 0 });
    });

    it('counts events published to nobody', async () => {
      const prefix = prefixOf('nobody');
      const a = createBus();
      const out = await open(a, redisA, { prefix, publish: '**' });
      for (let i = 0; i < 5; i++) a.publish('lonely.event', i);
      await expect.poll(() => out.stats().unheard, { timeout: 5000 }).toBe(5);
      expect(out.stats()).toMatchObject({ sent: 5, unheard: 5, receivers: 0 });
    });

    it('subscribes with channel globs, filters them with rxbus patterns, and takes one copy when patterns overlap', async () => {
      const prefix = prefixOf('wild');
      const a = createBus();
      const b = createBus();
      await open(a, redisA, { prefix, publish: '**' });
      const inb = await open(b, redisB, { prefix, subscribe: ['page.**', 'job.*', 'job.x', 'odd?[name]'] });
      const types = firstValueFrom(b.events$().pipe(toArray()));
      a.publish('page.a.b', 1);
      a.publish('job.x', 1); // matches job.* and job.x: one copy
      a.publish('job.x.y', 1); // inside the glob job.*, outside the rxbus pattern: skipped
      a.publish('odd?[name]', 1);
      a.publish('oddX[name]', 1); // would match an unescaped glob
      a.publish('page.with space', 1);
      await b.waitFor('page.with space', undefined, { timeout: 5000 });
      await b.close();
      expect((await types).map((e) => e.type)).toEqual(['page.a.b', 'job.x', 'odd?[name]', 'page.with space']);
      expect(inb.stats()).toMatchObject({ received: 4, duplicates: 0, invalid: 0 });
    });

    it('counts, reports and drops bad input from the wire, and goes on', async () => {
      const prefix = prefixOf('bad');
      const b = createBus();
      const reported: BridgeError[] = [];
      const onBus: unknown[] = [];
      b.errors$.subscribe((e) => onBus.push(e));
      const inb = await open(b, redisB, { prefix, subscribe: 'in.*', maxMessageBytes: 200 });
      inb.errors$.subscribe((e) => reported.push(e));
      const channel = `${prefix}.events.in.x`;
      const bad = [
        '{"v":1,"type":"in.x"', // truncated JSON
        envelope('in.x', 1, 'x'.repeat(300)), // too large
        JSON.stringify({ v: 2, type: 'in.x', payload: 1, id: 2, time: 0, origin: 'o' }), // unknown version
        '{"v":1,"type":"in.x","payload":{"__proto__":{"polluted":true}},"id":3,"time":0,"origin":"o"}',
        envelope('$reply.in.x', 4, 1), // reserved type
        envelope('in.y', 5, 1), // type of another channel
        'not json at all',
      ];
      for (const message of bad) await raw.publish(channel, message);
      await raw.publish(channel, envelope('in.x', 6, 'good'));
      const good = await b.waitFor('in.x', undefined, { timeout: 5000, since: 'history' });
      expect(good.payload).toBe('good');
      expect(inb.stats()).toMatchObject({ invalid: bad.length, received: 1 });
      expect(reported.map((e) => e.reason)).toEqual(Array(bad.length).fill('invalid-message'));
      expect(onBus.filter((e) => e instanceof BridgeError)).toHaveLength(bad.length);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('never blocks or subscribes on the caller connection, and closes its own connection', async () => {
      const prefix = prefixOf('conn');
      const b = createBus();
      const inb = await open(b, redisB, { prefix, subscribe: 'x' });
      const names = async () => ((await raw.client('LIST')) as string).split('\n').filter((l) => l.includes(inb.origin));
      expect((await names()).map((l) => /name=(\S+)/.exec(l)?.[1])).toEqual([`rxbus-sub-${inb.origin}`]);
      expect(await redisB.ping()).toBe('PONG'); // the caller's connection is not in subscriber mode
      await inb.close();
      await expect.poll(names, { timeout: 5000 }).toEqual([]);
    });
  });

  describe('streams', () => {
    const streams = (prefix: string, extra: RedisBridgeOptions = {}): RedisBridgeOptions => ({ prefix, mode: 'streams', ...extra });

    it('delivers each entry and acknowledges it after its handlers finished; a per-process group goes away on close', async () => {
      const prefix = prefixOf('st');
      const a = createBus();
      const b = createBus();
      const listeners = () => ['ready', 'close', 'reconnecting', 'end', 'error'].map((e) => redisB.listenerCount(e));
      const before = { listeners: listeners(), subscriptions: b.stats().subscriptions };
      const out = await open(a, redisA, streams(prefix, { publish: 'job' }));
      const inb = await open(b, redisB, streams(prefix, { subscribe: 'job' }));
      const reader = async () =>
        ((await raw.client('LIST')) as string).split('\n').filter((l) => l.includes(`name=rxbus-read-${inb.origin}`));
      expect(await reader()).toHaveLength(1);
      const seen: number[] = [];
      b.on('job', async (p) => {
        await new Promise((r) => setTimeout(r, 1));
        seen.push(p as number);
      });
      for (let i = 0; i < 50; i++) a.publish('job', i);
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(50);
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      await expect
        .poll(async () => ((await raw.xpending(`${prefix}.events`, `rxbus-${inb.origin}`)) as [number])[0], { timeout: 5000 })
        .toBe(0);
      expect(out.stats()).toMatchObject({ sent: 50, outbox: 0 });
      expect(inb.stats()).toMatchObject({ received: 50, duplicates: 0, redelivered: 0 });
      expect(await raw.xlen(`${prefix}.events`)).toBe(50);
      await inb.close();
      expect(await raw.xinfo('GROUPS', `${prefix}.events`)).toEqual([]);
      // Nothing left behind: the reader connection, listeners on the caller's connection, subscriptions on the bus.
      await expect.poll(reader, { timeout: 5000 }).toEqual([]);
      expect(listeners()).toEqual(before.listeners);
      expect(b.stats().subscriptions).toBe(before.subscriptions + 1); // the test's own handler
    });

    it('shares the entries of a named group between its consumers, each once', async () => {
      const prefix = prefixOf('grp');
      const producer = createBus();
      await open(producer, redisA, streams(prefix, { publish: 'job' }));
      const workers = [createBus(), createBus()];
      const handled: number[][] = [[], []];
      for (const [i, w] of workers.entries()) {
        w.on('job', async (p) => {
          await new Promise((r) => setTimeout(r, 2));
          handled[i]!.push(p as number);
        });
        await open(w, i === 0 ? redisA : redisB, streams(prefix, { subscribe: 'job', group: 'workers', streams: { batch: 4 } }));
      }
      for (let i = 0; i < 200; i++) producer.publish('job', i);
      await expect.poll(() => handled[0]!.length + handled[1]!.length, { timeout: 10_000 }).toBe(200);
      expect(new Set(handled.flat()).size).toBe(200);
      expect(handled[0]!.length).toBeGreaterThan(0);
      expect(handled[1]!.length).toBeGreaterThan(0);
    });

    it('retries a failing entry with backoff, then acknowledges it, reports it and copies it to the dead-letter stream; the others go on', async () => {
      const prefix = prefixOf('poison');
      const a = createBus();
      const b = createBus();
      b.errors$.subscribe(() => undefined);
      await open(a, redisA, streams(prefix, { publish: 'job' }));
      const inb = await open(b, redisB, streams(prefix, { subscribe: 'job', streams: { maxAttempts: 3, backoff: () => 20 } }));
      const reported: BridgeError[] = [];
      inb.errors$.subscribe((e) => reported.push(e));
      const attempts = new Map<number, number>();
      b.on('job', (p) => {
        const id = p as number;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        if (id === 3) throw new Error('poison');
      });
      for (let i = 0; i < 7; i++) a.publish('job', i);
      await expect.poll(() => reported.length, { timeout: 5000 }).toBe(1);
      await expect.poll(() => raw.xlen(`${prefix}.dead-letters`), { timeout: 5000 }).toBe(1);
      expect([...attempts.entries()].sort((x, y) => x[0] - y[0])).toEqual([
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 3],
        [4, 1],
        [5, 1],
        [6, 1],
      ]);
      expect(reported[0]).toMatchObject({ reason: 'handler-failed', attempts: 3, event: { type: 'job' } });
      expect(inb.stats()).toMatchObject({ received: 9, failed: 3, terminated: 1, redelivered: 2 });
      const [[, fields]] = (await raw.xrange(`${prefix}.dead-letters`, '-', '+')) as [[string, string[]]];
      expect(fields).toEqual(expect.arrayContaining(['topic', `${prefix}.events.job`, 'attempts', '3', 'group', `rxbus-${inb.origin}`]));
      await expect
        .poll(async () => ((await raw.xpending(`${prefix}.events`, `rxbus-${inb.origin}`)) as [number])[0], { timeout: 5000 })
        .toBe(0);
    });

    it('dead-letters invalid entries from the wire at once and delivers the next one', async () => {
      const prefix = prefixOf('stbad');
      const b = createBus();
      b.errors$.subscribe(() => undefined);
      const inb = await open(b, redisB, streams(prefix, { subscribe: 'in.*' }));
      const key = `${prefix}.events`;
      await raw.xadd(key, '*', 'topic', `${prefix}.events.in.x`, 'data', '{"v":1,');
      await raw.xadd(key, '*', 'something', 'else');
      await raw.xadd(key, '*', 'topic', `${prefix}.events.in.x`, 'data', envelope('in.y', 1, 1));
      await raw.xadd(key, '*', 'topic', `${prefix}.events.in.x`, 'data', envelope('in.x', 2, 'good'));
      const good = await b.waitFor('in.x', undefined, { timeout: 5000, since: 'history' });
      expect(good.payload).toBe('good');
      expect(inb.stats()).toMatchObject({ invalid: 3, terminated: 3, received: 1 });
      await expect.poll(() => raw.xlen(`${prefix}.dead-letters`), { timeout: 5000 }).toBe(3);
    });

    it('takes over the entries a crashed consumer left pending, and gives up an entry that was delivered too often', async () => {
      const prefix = prefixOf('claim');
      const key = `${prefix}.events`;
      await raw.xgroup('CREATE', key, 'svc', '$', 'MKSTREAM');
      for (let id = 1; id <= 5; id++) await raw.xadd(key, '*', 'topic', `${prefix}.events.job`, 'data', envelope('job', id, id));
      // A consumer that read all five and died.
      await raw.xreadgroup('GROUP', 'svc', 'dead', 'COUNT', 10, 'STREAMS', key, '>');
      const [poison] = (await raw.xrange(key, '-', '+', 'COUNT', 1)) as [[string, string[]]];
      // The first one was delivered 5 times already: each time its consumer died.
      await raw.xclaim(key, 'svc', 'dead', 0, poison[0], 'RETRYCOUNT', 5);
      const b = createBus();
      b.errors$.subscribe(() => undefined);
      const inb = await open(b, redisB, streams(prefix, { subscribe: 'job', group: 'svc', streams: { claimAfter: 200, maxAttempts: 5 } }));
      const reported: BridgeError[] = [];
      inb.errors$.subscribe((e) => reported.push(e));
      const seen: number[] = [];
      b.on('job', (p) => void seen.push(p as number));
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(4);
      expect(seen.sort()).toEqual([2, 3, 4, 5]);
      expect(inb.stats()).toMatchObject({ received: 4, redelivered: 4, terminated: 1 });
      expect(reported).toEqual([expect.objectContaining({ reason: 'handler-failed', attempts: 6 })]);
      await expect.poll(() => raw.xlen(`${prefix}.dead-letters`), { timeout: 5000 }).toBe(1);
      await expect.poll(async () => ((await raw.xpending(key, 'svc')) as [number])[0], { timeout: 5000 }).toBe(0);
    });

    it('reads no more entries than the bus has room for (backpressure crosses the wire)', async () => {
      const prefix = prefixOf('room');
      const key = `${prefix}.events`;
      const a = createBus();
      const b = createBus({ concurrency: 2, capacity: 3 });
      await open(a, redisA, streams(prefix, { publish: 'job' }));
      const inb = await open(b, redisB, streams(prefix, { subscribe: 'job', group: 'slow' }));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const seen: number[] = [];
      b.on('job', async (p) => {
        await gate;
        seen.push(p as number);
      });
      for (let i = 0; i < 40; i++) a.publish('job', i);
      await expect.poll(() => b.stats().queued, { timeout: 5000 }).toBe(3);
      // Give the reader a moment to (wrongly) read more, then look at what the group handed out.
      await new Promise((r) => setTimeout(r, 200));
      const [pending] = (await raw.xpending(key, 'slow')) as [number];
      expect(pending).toBe(5);
      expect(inb.stats().inFlight).toBe(5);
      release();
      await expect.poll(() => seen.length, { timeout: 5000 }).toBe(40);
    });

    it('validates its options at the boundary', async () => {
      const bus = createBus();
      const ioredis = redisA;
      await expect(bridge(bus, ioredis, { requests: ['user.get'] } as never)).rejects.toThrow(
        /'requests' is not supported by rxbus\/redis/,
      );
      await expect(bridge(bus, ioredis, { mode: 'kafka' } as never)).rejects.toThrow(TypeError);
      await expect(bridge(bus, {} as never, {})).rejects.toThrow(/Expected an ioredis connection/);
      await expect(bridge(bus, Object.assign(Object.create(ioredis) as object, { isCluster: true }) as never, {})).rejects.toThrow(
        /does not support Cluster/,
      );
      await expect(bridge(bus, ioredis, { streams: {} })).rejects.toThrow(/need mode: 'streams'/);
      await expect(bridge(bus, ioredis, { mode: 'streams', streams: { claimAfter: 10 } })).rejects.toThrow(RangeError);
      await expect(bridge(bus, ioredis, { mode: 'streams', streams: { maxLen: 0 } })).rejects.toThrow(RangeError);
      await expect(bridge(bus, ioredis, { mode: 'streams', streams: { key: 'a b' } })).rejects.toThrow(TypeError);
      await expect(bridge(bus, ioredis, { maxOutbox: -1 })).rejects.toThrow(RangeError);
      await expect(bridge(bus, ioredis, null as never)).rejects.toThrow(TypeError);
    });
  });
});
