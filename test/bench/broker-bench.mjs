// What the broker groups (nats.mjs, redis.mjs) share: whether the shared
// server answers, unique names per case, the raw side's JSON envelope, and
// the "bridge publish" case with its ≥ 0.5× target, which differ per broker
// only in how a run waits until the server has every message.
import { connect as tcpConnect } from 'node:net';
import { createBus } from 'rxbus';
import { row, target } from './harness.mjs';

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export const serverUp = (port) =>
  new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

let runs = 0;
/** A subject/key prefix no other case or run uses. */
export const prefix = (tag) => `bench_${process.pid}_${tag}_${++runs}`;

/** The JSON the raw clients send: the same shape and size as a bridged event. */
export const envelope = (i) =>
  JSON.stringify({ v: 1, type: 'bench.event', payload: { i, name: 'order' }, id: i + 1, time: 0, origin: 'raw' });

/**
 * The "rxbus bridge publish" case: `events` publishes on a bus bridged to
 * `connection` by `bridge`, then `settle()` until the server has them all.
 */
export function bridgePublishCase({ sample, bridge, connection, events, settle }) {
  return {
    name: 'rxbus bridge publish',
    sample: sample(async () => {
      const bus = createBus();
      const b = await bridge(bus, connection, { prefix: prefix('bus'), publish: 'bench.*' });
      return {
        async run() {
          for (let i = 0; i < events; i++) bus.publish('bench.event', { i, name: 'order' });
          await settle();
        },
        async teardown() {
          if (b.stats().sent !== events) throw new Error(`bridge sent ${b.stats().sent} of ${events}`);
          await b.close();
          await bus.close();
        },
      };
    }),
  };
}

/** The target of the publish scenario: bridge throughput ≥ 0.5× the raw client's. */
export function bridgePublishTarget(result, raw) {
  const r = row(result, 'rxbus bridge publish');
  target(result, { text: `bridge publish throughput ≥ 0.5× ${raw}`, measured: r.ratio.median, unit: '×', met: r.ratio.median >= 0.5 });
  return result;
}
