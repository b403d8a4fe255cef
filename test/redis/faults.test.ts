/**
 * Faults with private redis-servers (started, killed with SIGKILL and
 * restarted here, or their clients killed; the shared server is never
 * touched). The numbers each test prints are those of docs/distributed.md's
 * fault table.
 */
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus, type AnyEvents, type Bus } from 'rxbus';
import { bridge, type BridgeStatus, type RedisBridge } from 'rxbus/redis';
import { canStartServers, connectTo, PrivateRedis, uniquePrefix } from './server.js';

describe.skipIf(!canStartServers)('rxbus/redis under faults (private servers)', () => {
  const servers: PrivateRedis[] = [];
  const connections: Redis[] = [];
  const bridges: RedisBridge[] = [];
  const connect = (server: PrivateRedis) => {
    const redis = connectTo(server.port);
    connections.push(redis);
    return redis;
  };

  afterAll(async () => {
    await Promise.all(bridges.map((b) => b.close({ timeout: 2000 })));
    for (const redis of connections) redis.disconnect();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('streams: kill -9 of an AOF server (appendfsync always) in the middle of 10 000 events loses none, and drops and counts the duplicates', async () => {
    const server = await PrivateRedis.start({ aof: true });
    servers.push(server);
    const TOTAL = 10_000;
    const KILL_AT = 3_000;
    const prefix = uniquePrefix('aof');
    const producer = createBus();
    const consumer = createBus({ concurrency: 32 });
    for (const bus of [producer, consumer] as Bus<AnyEvents>[]) bus.errors$.subscribe(() => undefined);
    const out = await bridge(producer, connect(server), { prefix, mode: 'streams', publish: 'job', maxOutbox: 20_000 });
    const inb = await bridge(consumer, connect(server), {
      prefix,
      mode: 'streams',
      subscribe: 'job',
      group: 'crash',
      streams: { claimAfter: 1000, backoff: () => 200 },
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
    for (let id = 0; id < TOTAL; id++) {
      producer.publish('job', { id });
      if (id % 250 === 249) await new Promise((r) => setTimeout(r, 5)); // let the client write and the server store
      if (id === KILL_AT) {
        await server.kill();
        // A few events go out while the server is down (the client queues them).
        for (let more = 0; more < 50; more++) producer.publish('job', { id: ++id });
        await new Promise((r) => setTimeout(r, 300));
        await server.restart();
      }
    }
    await expect.poll(() => handled.size, { timeout: 60_000, interval: 200 }).toBe(TOTAL);
    await expect.poll(() => out.stats().outbox, { timeout: 30_000, interval: 200 }).toBe(0);
    const twice = [...handled.values()].filter((n) => n > 1).length;
    const { duplicates, redelivered } = inb.stats();
    console.log(
      `redis streams AOF crash: ${TOTAL} published, ${handled.size} handled (0 lost), handled twice ${twice}, duplicates dropped ${duplicates}, redelivered ${redelivered}, send errors retried ${out.stats().sendErrors}, ${Date.now() - started} ms`,
    );
    expect(handled.size).toBe(TOTAL);
    expect(twice).toBe(0);
    expect(statuses).toContain('disconnected');
    expect(statuses.at(-1)).toBe('connected');
  });

  it('pub/sub: a subscriber connection killed loses what is published until it is back, and the publisher counts exactly that loss', async () => {
    const server = await PrivateRedis.start();
    servers.push(server);
    const prefix = uniquePrefix('subkill');
    const producer = createBus();
    const consumer = createBus();
    const admin = connect(server);
    const out = await bridge(producer, connect(server), { prefix, publish: 'job' });
    const inb = await bridge(consumer, connect(server), { prefix, subscribe: 'job' });
    bridges.push(out, inb);
    const statuses: BridgeStatus[] = [];
    inb.status$.subscribe((s) => statuses.push(s));
    const received = new Set<number>();
    consumer.on('job', (p) => void received.add(p as number));
    let id = 0;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) producer.publish('job', id++);
      // Every PUBLISH answered: reached the one subscriber (receivers) or nobody (unheard).
      await expect.poll(() => out.stats().receivers + out.stats().unheard, { timeout: 5000 }).toBe(id);
    };
    await burst(100);
    await expect.poll(() => received.size, { timeout: 5000 }).toBe(100);
    expect(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1);
    await burst(100); // the subscriber is gone: PUBLISH replies 0
    const channel = `${prefix}.events.job`;
    await expect.poll(async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1], { timeout: 5000 }).toBe(1);
    await burst(100);
    await expect.poll(() => received.size + out.stats().unheard, { timeout: 5000 }).toBe(300);
    const { unheard, receivers } = out.stats();
    console.log(
      `redis pub/sub subscriber killed: 300 published, ${received.size} received, ${300 - received.size} lost, publisher counted unheard ${unheard}`,
    );
    expect(unheard).toBe(300 - received.size);
    expect(unheard).toBeGreaterThan(0);
    expect(receivers).toBe(received.size);
    expect(statuses).toContain('disconnected');
    expect(statuses.at(-1)).toBe('connected');
  });
});
