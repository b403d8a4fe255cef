// rxbus/redis against the raw ioredis client, same run, same server (the
// shared redis-server on 127.0.0.1:6379; the group is skipped when none
// answers):
// - pub/sub publish: `bus.publish` through a bridge vs `redis.publish` of the
//   same JSON envelope, until the server replied to every PUBLISH;
// - Streams end to end: events published and consumed through two bridges
//   (XADD, XREADGROUP paced by the bus, batched XACK after deliver) vs a raw
//   loop: XADD each event, XREADGROUP COUNT 256 BLOCK on a second connection,
//   XACK each batch.
import { Redis } from 'ioredis';
import { createBus } from 'rxbus';
import { bridge } from 'rxbus/redis';
import { bridgePublishCase, bridgePublishTarget, envelope, prefix, serverUp } from './broker-bench.mjs';
import { perWorkload, row, scenario, target } from './harness.mjs';

const PORT = 6379;

async function publishScenario(redis, rounds, quick) {
  const events = quick ? 10_000 : 50_000;
  const sample = (setup) => perWorkload(setup, { per: events, scale: 1e6, repeats: 2 });
  const result = await scenario({
    id: 'redis-pubsub-publish',
    title: `rxbus/redis pub/sub: publish ${events.toLocaleString('en-US')} events until the server replied to each (ns per event)`,
    unit: 'ns',
    reference: 'raw redis.publish (same JSON)',
    rounds,
    cases: [
      {
        name: 'raw redis.publish (same JSON)',
        sample: sample(() => {
          const channel = `${prefix('raw')}.events.bench.event`;
          return {
            async run() {
              const replies = [];
              for (let i = 0; i < events; i++) replies.push(redis.publish(channel, envelope(i)));
              await Promise.all(replies);
            },
          };
        }),
      },
      // PING is answered after every PUBLISH before it (replies come in order).
      bridgePublishCase({ sample, bridge, connection: redis, events, settle: () => redis.ping() }),
    ],
    note: 'Nobody subscribes (each PUBLISH replies 0, counted as unheard): this is the cost of getting events onto the wire. The envelope is the same JSON in both cases.',
  });
  return bridgePublishTarget(result, 'raw redis.publish');
}

async function streamsScenario(redis, reader, rounds, quick) {
  const events = quick ? 2000 : 10_000;
  const keys = [];
  const sample = (setup) => perWorkload(setup, { per: events, scale: 1e3, repeats: 1 });
  const result = await scenario({
    id: 'redis-streams',
    title: `rxbus/redis Streams end to end: ${events.toLocaleString('en-US')} events added, read by a group and acknowledged (µs per event)`,
    unit: 'µs',
    reference: 'raw XADD + XREADGROUP/XACK loop',
    rounds,
    warmup: false,
    cases: [
      {
        name: 'raw XADD + XREADGROUP/XACK loop',
        sample: sample(async () => {
          const key = `${prefix('raw')}.events`;
          keys.push(key);
          await redis.xgroup('CREATE', key, 'raw', '$', 'MKSTREAM');
          return {
            async run() {
              let seen = 0;
              const consumed = (async () => {
                while (seen < events) {
                  const reply = await reader.xreadgroup('GROUP', 'raw', 'c', 'COUNT', 256, 'BLOCK', 1000, 'STREAMS', key, '>');
                  const entries = reply?.[0]?.[1] ?? reply?.[1] ?? [];
                  const ids = [];
                  for (const [id, fields] of entries) {
                    JSON.parse(fields[3]);
                    ids.push(id);
                  }
                  if (ids.length > 0) void redis.xack(key, 'raw', ...ids);
                  seen += ids.length;
                }
              })();
              const adds = [];
              for (let i = 0; i < events; i++) adds.push(redis.xadd(key, 'MAXLEN', '~', 100_000, '*', 'topic', 't', 'data', envelope(i)));
              await Promise.all(adds);
              await consumed;
            },
          };
        }),
      },
      {
        name: 'rxbus bridges (ack after deliver)',
        sample: sample(async () => {
          const p = prefix('st');
          keys.push(`${p}.events`);
          const producer = createBus();
          const consumer = createBus();
          let seen = 0;
          let done;
          const all = new Promise((resolve) => (done = resolve));
          consumer.on('bench.event', () => {
            if (++seen === events) done();
          });
          const [out, inb] = await Promise.all([
            bridge(producer, redis, { prefix: p, mode: 'streams', publish: 'bench.*', maxOutbox: events }),
            bridge(consumer, reader, { prefix: p, mode: 'streams', subscribe: 'bench.*', group: 'bench' }),
          ]);
          return {
            async run() {
              for (let i = 0; i < events; i++) producer.publish('bench.event', { i, name: 'order' });
              await all;
            },
            async teardown() {
              await Promise.all([out.close(), inb.close()]);
              await Promise.all([producer.close(), consumer.close()]);
            },
          };
        }),
      },
    ],
    note: 'The time runs from the first XADD until the consumer has seen every event.',
  });
  if (keys.length > 0) await redis.del(...keys);
  const r = row(result, 'rxbus bridges (ack after deliver)');
  target(result, {
    text: 'Streams end to end vs a raw XADD/XREADGROUP/XACK loop (reported, no target)',
    measured: r.ratio.median,
    unit: '×',
    met: true,
  });
  return result;
}

export async function run({ rounds, quick }) {
  if (!(await serverUp(PORT))) {
    process.stdout.write('\nrxbus/redis: no redis-server on 127.0.0.1:6379, skipped\n');
    return [];
  }
  const [redis, reader] = [new Redis(PORT, '127.0.0.1'), new Redis(PORT, '127.0.0.1')];
  const n = Math.min(rounds, quick ? 3 : 5);
  try {
    return [await publishScenario(redis, n, quick), await streamsScenario(redis, reader, Math.min(n, 3), quick)];
  } finally {
    await Promise.all([redis.quit(), reader.quit()]);
  }
}
