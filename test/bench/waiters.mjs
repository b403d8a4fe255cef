// Many pending waiters: what a publish costs while they wait, and what it
// costs to resolve them.
//
// Every waiter in every library gets a 30 s timeout on real timers (the bus
// default), and the RxJS and rxbus ones a shared AbortSignal, so each holds
// the state a real waiter holds. EventEmitter2's `waitFor` has no signal
// option; it is cancelled through its promise's `cancel()`.
import EventEmitter2 from 'eventemitter2';
import { Subject } from 'rxjs';
import { createBus } from 'rxbus';
import { format, perOp, perWorkload, row, scenario, target } from './harness.mjs';
import { manyListenerController, naiveWaitFor } from './peers.mjs';

const TIMEOUT = 30_000;
const TYPE = 'page.response';
const noop = () => {};
const urls = (k) => Array.from({ length: k }, (_, i) => `/api/${i}`);

/** K pending waiters of one library, each for its own URL, and a `publish` for that library. */
const libraries = {
  'naive RxJS': (k, makeMatcher) => {
    const subject = new Subject();
    const controller = manyListenerController();
    const waits = urls(k).map((url) =>
      naiveWaitFor(subject, TYPE, makeMatcher.predicate(url), { timeout: TIMEOUT, signal: controller.signal }).catch(noop),
    );
    return {
      publish: (payload) => subject.next({ type: TYPE, payload }),
      // A loop per library keeps each measured call site monomorphic.
      publishMany(payload, n) {
        for (let i = 0; i < n; i++) subject.next({ type: TYPE, payload });
      },
      waits,
      teardown: async () => {
        controller.abort();
        await Promise.all(waits);
      },
    };
  },
  EventEmitter2: (k, makeMatcher) => {
    const emitter = new EventEmitter2({ maxListeners: 0 });
    const promises = urls(k).map((url) => emitter.waitFor(TYPE, { filter: makeMatcher.predicate(url), timeout: TIMEOUT }));
    const waits = promises.map((p) => p.catch(noop));
    return {
      publish: (payload) => emitter.emit(TYPE, payload),
      publishMany(payload, n) {
        for (let i = 0; i < n; i++) emitter.emit(TYPE, payload);
      },
      waits,
      teardown: async () => {
        for (const p of promises) p.cancel();
        await Promise.all(waits);
      },
    };
  },
  rxbus: (k, makeMatcher) => {
    const bus = createBus();
    const controller = new AbortController();
    const waits = urls(k).map((url) =>
      bus.waitFor(TYPE, makeMatcher.rxbus(url), { timeout: TIMEOUT, signal: controller.signal }).catch(noop),
    );
    return {
      publish: (payload) => bus.publish(TYPE, payload),
      publishMany(payload, n) {
        for (let i = 0; i < n; i++) bus.publish(TYPE, payload);
      },
      waits,
      teardown: async () => {
        controller.abort();
        await Promise.all(waits);
        if (bus.stats().waiters !== 0) throw new Error('rxbus left waiters behind');
        await bus.close();
      },
    };
  },
};

// An indexable matcher pins `url` to an exact value; the peers can only say
// the same thing with a predicate.
const indexed = { rxbus: (url) => ({ url }), predicate: (url) => (p) => p.url === url };
// A predicate matcher cannot be indexed: every event of the type is offered to it.
const predicate = { rxbus: (url) => (p) => p.url === url, predicate: (url) => (p) => p.url === url };

const unrelated = { url: '/unrelated', status: 200 };

function publishCase(library, k, matcher, minMs, name = `${library}, K=${k.toLocaleString('en-US')}`) {
  return {
    name,
    sample: perOp(
      () => {
        const waiters = libraries[library](k, matcher);
        return {
          run: (n) => waiters.publishMany(unrelated, n),
          teardown: waiters.teardown,
        };
      },
      { minMs },
    ),
  };
}

function resolveCase(library, k) {
  return {
    name: library,
    sample: perWorkload(() => {
      const waiters = libraries[library](k, indexed);
      const payloads = urls(k).map((url) => ({ url, status: 200 }));
      return {
        async run() {
          for (const payload of payloads) waiters.publish(payload);
          await Promise.all(waiters.waits);
        },
        teardown: waiters.teardown,
      };
    }),
  };
}

export async function run({ rounds, minMs }) {
  const results = [];
  const ks = [10, 1_000, 10_000];

  const unrelatedPublish = await scenario({
    id: 'waiters-unrelated-publish',
    title: 'Unrelated publish with K pending indexed waiters (ns per publish)',
    unit: 'ns',
    reference: 'rxbus, K=10',
    cases: ['rxbus', 'naive RxJS', 'EventEmitter2'].flatMap((lib) => ks.map((k) => publishCase(lib, k, indexed, minMs))),
    rounds,
    note: "Each waiter waits for its own url ({ url } for rxbus, a predicate for the peers); the published url matches none. Ratios are against rxbus at K=10, so rxbus's own rows show how flat it is in K.",
  });
  const rx10k = row(unrelatedPublish, 'rxbus, K=10,000');
  target(unrelatedPublish, {
    text: 'unrelated publish with 10 000 indexed waiters ≤ 1 µs',
    measured: rx10k.median,
    unit: ' ns',
    met: rx10k.median <= 1000,
  });
  // Flat: K=10 000 within 1.5× of K=10, per round (both ran in every round).
  target(unrelatedPublish, {
    text: 'flat in K: rxbus K=10 000 costs ≤ 1.5× rxbus K=10',
    measured: 1 / rx10k.ratio.median,
    unit: '×',
    met: 1 / rx10k.ratio.median <= 1.5,
  });
  results.push(unrelatedPublish);

  const resolveAll = await scenario({
    id: 'waiters-resolve-10k',
    title: 'Resolve 10 000 indexed waiters one by one (ms in total)',
    unit: 'ms',
    reference: 'naive RxJS',
    cases: ['naive RxJS', 'EventEmitter2', 'rxbus'].map((lib) => resolveCase(lib, 10_000)),
    // The peers are O(K²) here (seconds per sample): fewer rounds and no
    // warm-up round keep the run short (10 000 publishes warm the JIT anyway).
    rounds: Math.min(rounds, 3),
    warmup: false,
    note: 'Publishes the 10 000 matching events in registration order, then awaits every promise.',
  });
  const rxResolve = row(resolveAll, 'rxbus');
  target(resolveAll, {
    text: 'resolving 10 000 indexed waiters ≤ 50 ms total',
    measured: rxResolve.median,
    unit: ' ms',
    met: rxResolve.median <= 50,
  });
  results.push(resolveAll);

  const K = 10_000;
  const predicates = await scenario({
    id: 'waiters-predicate',
    title: `Unrelated publish with ${K.toLocaleString('en-US')} pending predicate waiters (ns per pending waiter)`,
    unit: 'ns',
    reference: 'naive RxJS',
    cases: ['naive RxJS', 'EventEmitter2', 'rxbus'].map((lib) => {
      const c = publishCase(lib, K, predicate, minMs, lib);
      // Per pending waiter: a predicate waiter is offered every event of its type.
      return { name: c.name, sample: async () => (await c.sample()) / K };
    }),
    rounds,
    note: 'Predicates cannot be indexed, so every publish of the type runs every waiter’s predicate; this is the cost per waiter.',
  });
  const rxPredicate = row(predicates, 'rxbus');
  target(predicates, {
    text: 'predicate waiters: cost per pending waiter no worse than naive RxJS',
    measured: rxPredicate.ratio.median,
    unit: `× naive RxJS (${format(rxPredicate.median)} ns)`,
    met: rxPredicate.ratio.median >= 1,
  });
  results.push(predicates);
  return results;
}
