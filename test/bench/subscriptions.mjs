// Many distinct wildcard subscriptions (one per tenant, session or order:
// `tenantN.*`), and subscription churn.
//
// 1. Publish cost with K = 10, 1 000 and 20 000 distinct wildcard
//    subscriptions of one kind (`events$`, `on`, a pending `waitFor`), for a
//    type that one of them matches and for an unrelated type. A segment-trie
//    index makes the cost depend on the type's segments and the matching
//    subscriptions, not on K. Peers: EventEmitter2 with `wildcard: true`
//    (a wildcard tree) and an RxJS Subject with one `filter` per subscriber.
// 2. Subscribe + unsubscribe pairs at N = 5 000, 20 000 and 40 000 live
//    subscriptions, removed in subscription order and in reverse.
//
// As in publish.mjs, each peer case is written out so that its call sites
// stay monomorphic.
import EventEmitter2 from 'eventemitter2';
import { filter, Subject } from 'rxjs';
import { createBus } from 'rxbus';
import { median, perOp, perWorkload, row, scenario, target } from './harness.mjs';

const noop = () => undefined;

function publishCases(k, type, minMs) {
  const label = (name) => `${name}, K=${k.toLocaleString('en-US')}`;
  return [
    {
      name: label('rxbus events$'),
      sample: perOp(
        () => {
          const bus = createBus({ history: 0 });
          let sum = 0;
          for (let i = 0; i < k; i++) bus.events$(`tenant${i}.*`).subscribe((e) => (sum += e.payload));
          return {
            run: (n) => {
              for (let i = 0; i < n; i++) bus.publish(type, i);
            },
            teardown: () => bus.close(),
          };
        },
        { minMs },
      ),
    },
    {
      name: label('rxbus on'),
      sample: perOp(
        () => {
          const bus = createBus({ history: 0 });
          let sum = 0;
          for (let i = 0; i < k; i++) bus.on(`tenant${i}.*`, (p) => void (sum += p));
          return {
            run: (n) => {
              for (let i = 0; i < n; i++) bus.publish(type, i);
            },
            teardown: () => bus.close(),
          };
        },
        { minMs },
      ),
    },
    {
      name: label('rxbus waitFor (pending)'),
      sample: perOp(
        () => {
          const bus = createBus({ history: 0, defaultTimeout: 0 });
          // Predicates that never match: the waiters stay pending through the run.
          for (let i = 0; i < k; i++) bus.waitFor(`tenant${i}.*`, () => false).catch(noop);
          return {
            run: (n) => {
              for (let i = 0; i < n; i++) bus.publish(type, i);
            },
            teardown: () => bus.close(),
          };
        },
        { minMs },
      ),
    },
    {
      name: label('EventEmitter2 wildcard'),
      sample: perOp(
        () => {
          const emitter = new EventEmitter2({ wildcard: true, maxListeners: 0 });
          let sum = 0;
          for (let i = 0; i < k; i++) emitter.on(`tenant${i}.*`, (v) => (sum += v));
          return {
            run: (n) => {
              for (let i = 0; i < n; i++) emitter.emit(type, i);
            },
          };
        },
        { minMs },
      ),
    },
    {
      name: label('Subject + filter'),
      sample: perOp(
        () => {
          const subject = new Subject();
          let sum = 0;
          for (let i = 0; i < k; i++) {
            const prefix = `tenant${i}.`;
            subject
              .pipe(filter((e) => e.type.startsWith(prefix) && e.type.indexOf('.', prefix.length) === -1))
              .subscribe((e) => (sum += e.payload));
          }
          return {
            run: (n) => {
              for (let i = 0; i < n; i++) subject.next({ type, payload: i });
            },
          };
        },
        { minMs },
      ),
    },
  ];
}

// Every churn sample makes this many pairs, in passes of N: a single pass of
// 5 000 pairs takes a few milliseconds, and whether a garbage collection
// falls inside it decided the result (min–max 1.4–10 µs per pair). With the
// same number of pairs per sample at every N, the per-pair costs compare
// like with like; N is still the number of live subscriptions.
const CHURN_PAIRS = 40_000;

function churnCases(n) {
  const passes = Math.max(1, Math.round(CHURN_PAIRS / n));
  const pairs = (name, subscribe) =>
    ['in order', 'reverse'].map((order) => ({
      name: `${name}, ${order}`,
      sample: perWorkload(
        () => {
          const state = subscribe();
          return {
            run() {
              const subs = new Array(n);
              for (let pass = 0; pass < passes; pass++) {
                for (let i = 0; i < n; i++) subs[i] = state.add(i);
                if (order === 'in order') for (let i = 0; i < n; i++) subs[i].unsubscribe();
                else for (let i = n - 1; i >= 0; i--) subs[i].unsubscribe();
              }
            },
            teardown: state.teardown,
          };
        },
        { per: n * passes, scale: 1e6 },
      ),
    }));
  return [
    ...pairs('rxbus events$', () => {
      const bus = createBus();
      return { add: (i) => bus.events$(`s${i}.*`).subscribe(noop), teardown: () => bus.close() };
    }),
    ...pairs('rxbus on', () => {
      const bus = createBus();
      return { add: (i) => bus.on(`s${i}.*`, noop), teardown: () => bus.close() };
    }),
    // Not a library: a Map entry per pattern holding a few plain objects
    // (~600 bytes, less than one rxbus subscription). What its cost per pair
    // does between N = 5 000 and 40 000 is the runtime's own share of the
    // growth: the live set outgrows V8's young generation, so subscriptions
    // are promoted and traced by the old-generation collector.
    ...pairs('floor: Map + plain objects', () => {
      const map = new Map();
      return {
        add: (i) => {
          const key = `s${i}`;
          const entry = {
            parts: `${key}.*`.split('.'),
            node: { items: [noop], count: 1 },
            order: { id: i, name: key },
            remove: () => map.delete(key),
          };
          map.set(key, entry);
          return { unsubscribe: entry.remove };
        },
      };
    }),
    ...pairs('Subject + filter', () => {
      const subject = new Subject();
      return { add: (i) => subject.pipe(filter((e) => e.type === `s${i}`)).subscribe(noop) };
    }),
  ];
}

export async function run({ rounds, minMs, quick }) {
  const results = [];
  const ks = [10, 1_000, 20_000];
  for (const [kind, type] of [
    ['matching', 'tenant7.x'],
    ['unrelated', 'other.x'],
  ]) {
    const result = await scenario({
      id: `wildcard-${kind}`,
      title: `Publish with K distinct wildcard subscriptions 'tenantN.*', ${kind} type '${type}' (ns per publish)`,
      unit: 'ns',
      reference: 'EventEmitter2 wildcard, K=10',
      cases: ks.flatMap((k) => publishCases(k, type, minMs)),
      rounds,
      note: "rxbus rows include the envelope (id, time) and, for 'on', the job of the matching handler. Targets: K=20 000 ≤ 1.5× K=10 and ≤ EventEmitter2 at the same K.",
    });
    for (const name of ['rxbus events$', 'rxbus on', 'rxbus waitFor (pending)']) {
      const small = row(result, `${name}, K=10`);
      const large = row(result, `${name}, K=20,000`);
      const growth = median(large.values.map((v, i) => v / small.values[i]));
      target(result, { text: `${kind}: ${name} K=20 000 ≤ 1.5× K=10`, measured: growth, unit: '×', met: growth <= 1.5 });
      const peer = row(result, 'EventEmitter2 wildcard, K=20,000');
      target(result, {
        text: `${kind}: ${name} ≤ EventEmitter2 at K=20 000`,
        measured: large.median / peer.median,
        unit: '×',
        met: large.median <= peer.median,
      });
    }
    results.push(result);
  }
  const ns = quick ? [5_000, 20_000] : [5_000, 20_000, 40_000];
  for (const n of ns) {
    const result = await scenario({
      id: `churn-${n}`,
      title: `Subscribe + unsubscribe ${n.toLocaleString('en-US')} distinct wildcard subscriptions (ns per pair)`,
      unit: 'ns',
      reference: 'Subject + filter, in order',
      cases: churnCases(n),
      rounds: Math.min(rounds, 5),
    });
    results.push(result);
  }
  const first = results.find((r) => r.id === `churn-${ns[0]}`);
  const last = results.find((r) => r.id === `churn-${ns.at(-1)}`);
  for (const name of ['rxbus events$, in order', 'rxbus events$, reverse', 'rxbus on, in order', 'rxbus on, reverse']) {
    const growth = row(last, name).median / row(first, name).median;
    target(last, { text: `churn: ${name} per pair at ${ns.at(-1)} ≤ 1.5× at ${ns[0]}`, measured: growth, unit: '×', met: growth <= 1.5 });
    const peer = row(last, 'Subject + filter, in order');
    target(last, {
      text: `churn: ${name} ≤ Subject + filter`,
      measured: row(last, name).median / peer.median,
      unit: '×',
      met: row(last, name).median <= peer.median,
    });
  }
  for (const name of ['floor: Map + plain objects, in order', 'floor: Map + plain objects, reverse']) {
    const growth = row(last, name).median / row(first, name).median;
    target(last, {
      text: `churn: ${name} per pair at ${ns.at(-1)} ÷ at ${ns[0]} (reported, no target)`,
      measured: growth,
      unit: '×',
      met: true,
    });
  }
  return results;
}
