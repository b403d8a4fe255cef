// Retained heap: what one pending waiter and one queued handler job cost in
// memory, measured as the growth of the used heap (after full collections)
// while many of them are live, divided by their number.
//
// Inputs a user would hold anyway — the URL strings waited for, the
// AbortControllers of the "own signal" row — are created before the baseline
// so they are not counted; everything the library allocates per waiter or
// job (including the promise it returns) is.
import EventEmitter2 from 'eventemitter2';
import PQueue from 'p-queue';
import pLimit from 'p-limit';
import { Subject } from 'rxjs';
import { createBus } from 'rxbus';
import { median, perItemHeap, row, scenario, target } from './harness.mjs';
import { createSemaphore, manyListenerController, naiveWaitFor } from './peers.mjs';

const TYPE = 'page.response';
const TIMEOUT = 30_000;
const noop = () => {};

/** The input of a waiter measurement: URLs, and a place for the promises (preallocated). */
const waiterInput = (count) => ({ urls: Array.from({ length: count }, (_, i) => `/api/${i}`), waits: new Array(count) });

function waiterCases(count) {
  const heap = (build, prepare = waiterInput) => perItemHeap(build, { count, prepare });
  return [
    {
      name: 'naive RxJS (shared signal)',
      sample: heap((n, { urls, waits }) => {
        const subject = new Subject();
        const controller = manyListenerController();
        for (let i = 0; i < n; i++) {
          const url = urls[i];
          waits[i] = naiveWaitFor(subject, TYPE, (p) => p.url === url, { timeout: TIMEOUT, signal: controller.signal });
        }
        return {
          teardown: async () => {
            const settled = waits.map((w) => w.catch(noop));
            controller.abort();
            await Promise.all(settled);
          },
        };
      }),
    },
    {
      // No signal option: its promises are cancelled instead.
      name: 'EventEmitter2 waitFor (no signal)',
      sample: heap((n, { urls, waits }) => {
        const emitter = new EventEmitter2({ maxListeners: 0 });
        for (let i = 0; i < n; i++) {
          const url = urls[i];
          waits[i] = emitter.waitFor(TYPE, { filter: (p) => p.url === url, timeout: TIMEOUT });
        }
        return {
          teardown: async () => {
            const settled = waits.map((w) => w.catch(noop));
            for (const w of waits) w.cancel();
            await Promise.all(settled);
          },
        };
      }),
    },
    {
      name: 'rxbus (shared signal)',
      sample: heap((n, { urls, waits }) => {
        const bus = createBus();
        const controller = new AbortController();
        for (let i = 0; i < n; i++) waits[i] = bus.waitFor(TYPE, { url: urls[i] }, { timeout: TIMEOUT, signal: controller.signal });
        return {
          teardown: async () => {
            const settled = waits.map((w) => w.catch(noop));
            controller.abort();
            await Promise.all(settled);
            await bus.close();
          },
        };
      }),
    },
    {
      name: 'rxbus (own signal each)',
      sample: heap(
        (n, { urls, waits, controllers }) => {
          const bus = createBus();
          for (let i = 0; i < n; i++) waits[i] = bus.waitFor(TYPE, { url: urls[i] }, { timeout: TIMEOUT, signal: controllers[i].signal });
          return {
            teardown: async () => {
              const settled = waits.map((w) => w.catch(noop));
              for (const c of controllers) c.abort();
              await Promise.all(settled);
              await bus.close();
            },
          };
        },
        (n) => ({ ...waiterInput(n), controllers: Array.from({ length: n }, () => new AbortController()) }),
      ),
    },
    {
      // Not a waiter: the floor under the row above — what Node itself keeps
      // for one 'abort' listener on a signal that had none.
      name: "Node alone: 1 'abort' listener per signal",
      sample: heap(
        (n, { controllers }) => {
          const listener = () => {};
          for (let i = 0; i < n; i++) controllers[i].signal.addEventListener('abort', listener);
          return { teardown: async () => controllers.forEach((c) => c.signal.removeEventListener('abort', listener)) };
        },
        (n) => ({ controllers: Array.from({ length: n }, () => new AbortController()) }),
      ),
    },
  ];
}

/**
 * Queued jobs: eight run and never finish until the teardown opens the gate,
 * the rest wait in the limiter's queue. Each job is for its own item `i`, as
 * a job for an event would be.
 */
function jobCases(count) {
  const concurrency = 8;
  const gated = () => {
    let open;
    const gate = new Promise((resolve) => (open = resolve));
    return { gate, open };
  };
  const heap = (build) => perItemHeap(build, { count });
  return [
    {
      name: 'minimal semaphore',
      sample: heap((n) => {
        const { gate, open } = gated();
        const semaphore = createSemaphore(concurrency);
        const handler = (i) => gate.then(() => i);
        for (let i = 0; i < n; i++) semaphore.run(() => handler(i));
        return {
          teardown: async () => {
            open();
            await semaphore.idle();
          },
        };
      }),
    },
    {
      name: 'p-limit',
      sample: heap((n) => {
        const { gate, open } = gated();
        const limit = pLimit(concurrency);
        const handler = (i) => gate.then(() => i);
        let last;
        for (let i = 0; i < n; i++) last = limit(handler, i);
        return {
          teardown: async () => {
            open();
            await last;
          },
        };
      }),
    },
    {
      name: 'p-queue',
      sample: heap((n) => {
        const { gate, open } = gated();
        const queue = new PQueue({ concurrency });
        const handler = (i) => gate.then(() => i);
        for (let i = 0; i < n; i++) queue.add(() => handler(i));
        return {
          teardown: async () => {
            open();
            await queue.onIdle();
          },
        };
      }),
    },
    {
      name: 'rxbus publish',
      sample: heap((n) => {
        const { gate, open } = gated();
        const bus = createBus({ concurrency, capacity: n });
        bus.on('job', (i) => gate.then(() => i));
        for (let i = 0; i < n; i++) bus.publish('job', i);
        return {
          teardown: async () => {
            if (bus.stats().queued !== n - concurrency) throw new Error('rxbus: jobs did not queue');
            open();
            await bus.close();
          },
        };
      }),
    },
  ];
}

export async function run({ heapRounds, quick }) {
  const waiters = quick ? 10_000 : 20_000;
  const perWaiter = await scenario({
    id: 'heap-waiter',
    title: `Heap per pending waiter with a 30 s timeout and an AbortSignal (bytes, ${waiters.toLocaleString('en-US')} waiters)`,
    unit: 'B',
    reference: 'naive RxJS (shared signal)',
    cases: waiterCases(waiters),
    rounds: heapRounds,
    note: 'Real timers (asyncScheduler). "Own signal each": the AbortControllers exist before the baseline; what is counted is what rxbus adds to listen to them.',
  });
  for (const name of ['rxbus (shared signal)', 'rxbus (own signal each)']) {
    const r = row(perWaiter, name);
    target(perWaiter, {
      text: `heap per pending waiter, ${name.slice(7, -1)} ≤ 1 KB`,
      measured: r.median,
      unit: ' B',
      met: r.median <= 1024,
    });
  }
  // With a signal of its own per waiter, Node's first listener on each signal
  // is part of the total: what rxbus itself adds is the difference, per round.
  const own = row(perWaiter, 'rxbus (own signal each)');
  const node = row(perWaiter, "Node alone: 1 'abort' listener per signal");
  const share = median(own.values.map((v, i) => v - node.values[i]));
  target(perWaiter, {
    text: "heap per pending waiter, own signal each, minus Node's own listener ≤ 1 KB",
    measured: share,
    unit: ' B',
    met: share <= 1024,
  });

  const jobs = quick ? 20_000 : 100_000;
  const perJob = await scenario({
    id: 'heap-job',
    title: `Heap per queued handler job (bytes, ${jobs.toLocaleString('en-US')} jobs at concurrency 8)`,
    unit: 'B',
    reference: 'minimal semaphore',
    cases: jobCases(jobs),
    rounds: heapRounds,
    note: 'rxbus counts the event envelope ({ type, payload, id, time }) each job holds; the others hold a closure or an argument list per job.',
  });
  const rx = row(perJob, 'rxbus publish');
  target(perJob, { text: 'heap per queued job ≤ 200 B', measured: rx.median, unit: ' B', met: rx.median <= 200 });
  return [perWaiter, perJob];
}
