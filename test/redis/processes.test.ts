/**
 * rxbus/redis across real OS processes, against the shared redis-server
 * (unique prefix per test). The numbers printed are those of
 * docs/distributed.md's fault table.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from 'rxbus';
import { bridge } from 'rxbus/redis';
import { RedisPeer } from './peer.js';
import { connectTo, SHARED_PORT, sharedRedisUp, uniquePrefix } from './server.js';

const up = await sharedRedisUp();

describe.skipIf(!up)('rxbus/redis across real OS processes (shared server)', () => {
  const peers: RedisPeer[] = [];
  const raw = connectTo();
  const keys: string[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
    if (keys.length > 0) await raw.del(...keys);
    await raw.quit();
  });

  it('carries events both ways and resolves a waitFor in one process by a publish in another (pub/sub)', async () => {
    const prefix = uniquePrefix('procs');
    const [a, b] = await Promise.all([RedisPeer.start(), RedisPeer.start()]);
    peers.push(a, b);
    expect(a.pid).not.toBe(b.pid);
    const options = { prefix, publish: ['order.*'], subscribe: ['order.*'] };
    const [originA, originB] = await Promise.all([a.open(SHARED_PORT, options), b.open(SHARED_PORT, options)]);
    expect(originA).not.toBe(originB);

    const atB = b.waitFor('order.created', { id: 1 });
    await b.stats(); // IPC is in order: B registered the waiter before it answers this
    await a.publish('order.created', [{ id: 0 }, { id: 1 }]);
    expect(await atB).toEqual({ id: 1 });

    const atA = a.waitFor('order.paid', { id: 2 });
    await a.stats();
    await b.publish('order.paid', [{ id: 2 }]);
    expect(await atA).toEqual({ id: 2 });

    const [statsA, statsB] = await Promise.all([a.stats(), b.stats()]);
    // Each received the other's events only, never its own back; each PUBLISH reached both subscribers.
    expect(statsA.bridge).toMatchObject({ sent: 2, received: 1, invalid: 0, receivers: 4, unheard: 0 });
    expect(statsB.bridge).toMatchObject({ sent: 1, received: 2, invalid: 0, receivers: 2, unheard: 0 });
  });

  it('shares 10 000 stream entries among a group of 3 processes: each handled exactly once, load spread', async () => {
    const prefix = uniquePrefix('group3');
    keys.push(`${prefix}.events`, `${prefix}.dead-letters`);
    const workers = await Promise.all([RedisPeer.start(), RedisPeer.start(), RedisPeer.start()]);
    peers.push(...workers);
    const options = { prefix, mode: 'streams' as const, subscribe: ['job'], group: 'workers' };
    await Promise.all(workers.map((w) => w.open(SHARED_PORT, options)));
    await Promise.all(workers.map((w) => w.consume('job')));
    const producer = createBus();
    const redis = connectTo();
    const out = await bridge(producer, redis, { prefix, mode: 'streams', publish: 'job' });
    const total = 10_000;
    const started = Date.now();
    for (let id = 0; id < total; id++) producer.publish('job', { id });
    await expect
      .poll(() => workers.reduce((n, w) => n + w.handled.length, 0), { timeout: 60_000, interval: 100 })
      .toBeGreaterThanOrEqual(total);
    const elapsed = Date.now() - started;
    await out.close();
    await redis.quit();
    const all = workers.flatMap((w) => w.handled as number[]);
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    const shares = workers.map((w) => w.handled.length);
    for (const share of shares) expect(share).toBeGreaterThan(total / 10);
    const stats = await Promise.all(workers.map((w) => w.stats()));
    expect(stats.reduce((n, s) => n + s.bridge.duplicates + s.bridge.redelivered, 0)).toBe(0);
    console.log(`redis group of 3: shares ${shares.join(' / ')}, ${elapsed} ms`);
    await Promise.all(workers.map((w) => w.close()));
    expect(await raw.xpending(`${prefix}.events`, 'workers')).toEqual([0, null, null, null]);
  });

  it('hands the entries of a consumer killed mid-handler to the others of its group (XAUTOCLAIM), 0 lost', async () => {
    const prefix = uniquePrefix('killc');
    keys.push(`${prefix}.events`, `${prefix}.dead-letters`);
    const workers = await Promise.all([RedisPeer.start(), RedisPeer.start(), RedisPeer.start()]);
    peers.push(...workers);
    const options = {
      prefix,
      mode: 'streams' as const,
      subscribe: ['job'],
      group: 'workers',
      maxInFlight: 8,
      streams: { claimAfter: 500 },
    };
    await Promise.all(workers.map((w) => w.open(SHARED_PORT, options)));
    await Promise.all(workers.map((w) => w.consume('job', { delay: 50 })));
    const producer = createBus();
    const redis = connectTo();
    const out = await bridge(producer, redis, { prefix, mode: 'streams', publish: 'job' });
    const total = 300;
    for (let id = 0; id < total; id++) producer.publish('job', { id });
    const [victim, ...survivors] = workers as [RedisPeer, RedisPeer, RedisPeer];
    await expect.poll(() => victim.handled.length, { timeout: 10_000 }).toBeGreaterThan(5);
    await victim.kill(); // with up to 8 entries in its handlers, unacknowledged
    const done = () => new Set(workers.flatMap((w) => w.handled as number[])).size;
    await expect.poll(done, { timeout: 30_000, interval: 100 }).toBe(total);
    const stats = await Promise.all(survivors.map((w) => w.stats()));
    const redelivered = stats.reduce((n, s) => n + s.bridge.redelivered, 0);
    expect(redelivered).toBeGreaterThan(0);
    console.log(`redis consumer killed mid-handler: ${victim.handled.length} done by it, ${redelivered} taken over by the others, 0 lost`);
    await out.close();
    await redis.quit();
    await Promise.all(survivors.map((w) => w.close()));
    await expect.poll(async () => ((await raw.xpending(`${prefix}.events`, 'workers')) as [number])[0], { timeout: 5000 }).toBe(0);
  });
});
