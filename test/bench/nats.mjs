// rxbus/nats against the raw NATS client, same run, same server (the shared
// nats-server on 127.0.0.1:4222; the group is skipped when none answers):
// - core publish: `bus.publish` through a bridge vs `nc.publish` of the same
//   JSON envelope, until the server has them all (`flush`);
// - request round trip: `bus.request` answered by a responder on another bus
//   and connection vs `nc.request` answered by a raw subscription;
// - JetStream end to end: events published and consumed through two bridges
//   (ack after deliver, bounded fetches) vs `js.publish` + a raw consume loop
//   that acks each message.
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createBus } from 'rxbus';
import { bridge, ensureStream } from 'rxbus/nats';
import { bridgePublishCase, bridgePublishTarget, envelope, prefix, serverUp } from './broker-bench.mjs';
import { perWorkload, row, scenario, target } from './harness.mjs';

const SERVER = 'nats://127.0.0.1:4222';

async function publishScenario(nc, rounds, quick) {
  const events = quick ? 10_000 : 50_000;
  const sample = (setup) => perWorkload(setup, { per: events, scale: 1e6, repeats: 2 });
  const result = await scenario({
    id: 'nats-core-publish',
    title: `rxbus/nats core mode: publish ${events.toLocaleString('en-US')} events until the server has them (ns per event)`,
    unit: 'ns',
    reference: 'raw nc.publish (same JSON)',
    rounds,
    cases: [
      {
        name: 'raw nc.publish (same JSON)',
        sample: sample(() => {
          const subject = `${prefix('raw')}.events.bench.event`;
          return {
            async run() {
              for (let i = 0; i < events; i++) nc.publish(subject, envelope(i));
              await nc.flush();
            },
          };
        }),
      },
      bridgePublishCase({ sample, bridge, connection: nc, events, settle: () => nc.flush() }),
    ],
    note: 'Nobody subscribes: this is the cost of getting events onto the wire. The envelope is the same JSON in both cases.',
  });
  return bridgePublishTarget(result, 'raw nc.publish');
}

async function requestScenario(nc, nc2, rounds, quick) {
  const requests = quick ? 300 : 1000;
  const sample = (setup) => perWorkload(setup, { per: requests, scale: 1e3, repeats: 1 });
  const result = await scenario({
    id: 'nats-request',
    title: `rxbus/nats request round trip, ${requests} sequential requests across two connections (µs per request)`,
    unit: 'µs',
    reference: 'raw nc.request',
    rounds,
    cases: [
      {
        name: 'raw nc.request',
        sample: sample(async () => {
          const subject = `${prefix('rawreq')}.requests.bench.get`;
          const sub = nc2.subscribe(subject, {
            callback: (_e, msg) => msg.respond(JSON.stringify({ v: 1, ok: true, reply: msg.json().payload })),
          });
          await nc2.flush();
          return {
            async run() {
              for (let i = 0; i < requests; i++)
                JSON.parse(new TextDecoder().decode((await nc.request(subject, envelope(i), { timeout: 5000 })).data));
            },
            teardown: () => sub.unsubscribe(),
          };
        }),
      },
      {
        name: 'rxbus bus.request',
        sample: sample(async () => {
          const p = prefix('req');
          const caller = createBus();
          const server = createBus();
          const [b1, b2] = await Promise.all([
            bridge(caller, nc, { prefix: p, requests: 'bench.*' }),
            bridge(server, nc2, { prefix: p, requests: 'bench.*' }),
          ]);
          server.handle('bench.get', (payload) => payload);
          await nc2.flush();
          return {
            async run() {
              for (let i = 0; i < requests; i++) await caller.request('bench.get', { i, name: 'order' }, { timeout: 5000 });
            },
            async teardown() {
              await Promise.all([b1.close(), b2.close()]);
              await Promise.all([caller.close(), server.close()]);
            },
          };
        }),
      },
    ],
  });
  const r = row(result, 'rxbus bus.request');
  const slower = 1 / r.ratio.median;
  target(result, { text: 'request round trip ≤ 1.5× raw nc.request', measured: slower, unit: '×', met: slower <= 1.5 });
  return result;
}

async function jetStreamScenario(nc, nc2, rounds, quick) {
  const events = quick ? 2000 : 10_000;
  const jsm = await jetstreamManager(nc);
  const streams = [];
  const sample = (setup) => perWorkload(setup, { per: events, scale: 1e3, repeats: 1 });
  const result = await scenario({
    id: 'nats-jetstream',
    title: `rxbus/nats JetStream end to end: ${events.toLocaleString('en-US')} events published, consumed and acknowledged (µs per event)`,
    unit: 'µs',
    reference: 'raw js.publish + consume loop',
    rounds,
    warmup: false,
    cases: [
      {
        name: 'raw js.publish + consume loop',
        sample: sample(async () => {
          const p = prefix('rawjs');
          const stream = await ensureStream(nc, { prefix: p, storage: 'memory' });
          streams.push(stream);
          await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: 'explicit', deliver_policy: 'new' });
          const js = jetstream(nc);
          const consumer = await jetstream(nc2).consumers.get(stream, 'raw');
          return {
            async run() {
              const messages = await consumer.consume({ max_messages: 256 });
              let seen = 0;
              const consumed = (async () => {
                for await (const m of messages) {
                  JSON.parse(new TextDecoder().decode(m.data));
                  m.ack();
                  if (++seen === events) break;
                }
              })();
              const acks = [];
              for (let i = 0; i < events; i++) acks.push(js.publish(`${p}.events.bench.event`, envelope(i), { msgID: `raw#${i}` }));
              await Promise.all(acks);
              await consumed;
              await messages.close();
            },
          };
        }),
      },
      {
        name: 'rxbus bridges (ack after deliver)',
        sample: sample(async () => {
          const p = prefix('js');
          streams.push(await ensureStream(nc, { prefix: p, storage: 'memory' }));
          const producer = createBus();
          const consumer = createBus();
          let seen = 0;
          let done;
          const all = new Promise((resolve) => (done = resolve));
          consumer.on('bench.event', () => {
            if (++seen === events) done();
          });
          const [out, inb] = await Promise.all([
            bridge(producer, nc, { prefix: p, mode: 'jetstream', publish: 'bench.*' }),
            bridge(consumer, nc2, { prefix: p, mode: 'jetstream', subscribe: 'bench.*', group: 'bench' }),
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
    note: 'Memory streams on the shared server; the time runs from the first publish until the consumer has seen every event.',
  });
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
  const r = row(result, 'rxbus bridges (ack after deliver)');
  target(result, {
    text: 'JetStream end to end vs a raw consume loop (reported, no target)',
    measured: r.ratio.median,
    unit: '×',
    met: true,
  });
  return result;
}

export async function run({ rounds, quick }) {
  if (!(await serverUp(4222))) {
    process.stdout.write('\nrxbus/nats: no nats-server on 127.0.0.1:4222, skipped\n');
    return [];
  }
  const [nc, nc2] = await Promise.all([connect({ servers: SERVER }), connect({ servers: SERVER })]);
  const n = Math.min(rounds, quick ? 3 : 5);
  try {
    return [
      await publishScenario(nc, n, quick),
      await requestScenario(nc, nc2, n, quick),
      await jetStreamScenario(nc, nc2, Math.min(n, 3), quick),
    ];
  } finally {
    await Promise.all([nc.close(), nc2.close()]);
  }
}
