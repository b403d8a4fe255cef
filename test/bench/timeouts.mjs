// Mass timeouts: 10 000 and 100 000 waiters that all time out.
//
// Time is virtual (`VirtualScheduler` from 'rxbus/testing', for rxbus and for
// the naive RxJS waiters alike): the measurement is the CPU cost of the whole
// life of a waiter — register it, let its deadline pass, deliver the
// `WaitTimeoutError` to its promise — and not the milliseconds spent waiting,
// which would dwarf it. Deadlines are spread over 1 000 ms so the deadline
// heap does real work, and ten non-matching events of the waited type are
// published while they wait, so every timeout error lists near misses, as it
// would in real use.
import { Subject } from 'rxjs';
import { createBus } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';
import { perWorkload, row, scenario, target } from './harness.mjs';
import { naiveWaitFor } from './peers.mjs';

const TYPE = 'page.response';
const deadline = (i) => 1_000 + (i % 997);

function rxbusCase(count) {
  return {
    name: `rxbus, ${count.toLocaleString('en-US')} waiters`,
    sample: perWorkload(
      () => {
        const scheduler = new VirtualScheduler();
        const bus = createBus({ scheduler });
        const urls = Array.from({ length: count }, (_, i) => `/api/${i}`);
        let timedOut = 0;
        const onTimeout = (error) => {
          if (error.name === 'TimeoutError') timedOut++;
        };
        return {
          async run() {
            const waits = new Array(count);
            for (let i = 0; i < count; i++) waits[i] = bus.waitFor(TYPE, { url: urls[i] }, { timeout: deadline(i) }).catch(onTimeout);
            for (let i = 0; i < 10; i++) bus.publish(TYPE, { url: `/other/${i}`, status: 404 });
            scheduler.advance(2_000);
            await Promise.all(waits);
          },
          async teardown() {
            if (timedOut !== count || bus.stats().waiters !== 0 || scheduler.pending !== 0)
              throw new Error('rxbus: not every waiter timed out cleanly');
            await bus.close();
          },
        };
      },
      { per: count, scale: 1e3, repeats: 2 },
    ),
  };
}

function naiveCase(count) {
  return {
    name: `naive RxJS, ${count.toLocaleString('en-US')} waiters`,
    sample: perWorkload(
      () => {
        const scheduler = new VirtualScheduler();
        const subject = new Subject();
        const urls = Array.from({ length: count }, (_, i) => `/api/${i}`);
        let timedOut = 0;
        const onTimeout = (error) => {
          if (error.name === 'TimeoutError') timedOut++;
        };
        return {
          async run() {
            const waits = new Array(count);
            for (let i = 0; i < count; i++) {
              const url = urls[i];
              waits[i] = naiveWaitFor(subject, TYPE, (p) => p.url === url, { timeout: deadline(i), scheduler }).catch(onTimeout);
            }
            for (let i = 0; i < 10; i++) subject.next({ type: TYPE, payload: { url: `/other/${i}`, status: 404 } });
            scheduler.advance(2_000);
            await Promise.all(waits);
          },
          teardown() {
            if (timedOut !== count || subject.observed) throw new Error('naive: not every waiter timed out cleanly');
          },
        };
      },
      { per: count, scale: 1e3, repeats: 2 },
    ),
  };
}

export async function run({ rounds }) {
  const result = await scenario({
    id: 'waiters-timeout',
    title: 'Waiters timing out: register, deadline passes, promise rejects (µs per waiter, virtual time)',
    unit: 'µs',
    reference: 'rxbus, 10,000 waiters',
    // The naive waiters unsubscribe from one Subject each, an O(K) array
    // removal: 100 000 of them would take minutes, so they run at 10 000 only.
    cases: [rxbusCase(10_000), rxbusCase(100_000), naiveCase(10_000)],
    rounds: Math.min(rounds, 5),
    note: 'VirtualScheduler from rxbus/testing for both; each WaitTimeoutError lists the near misses published while waiting.',
  });
  const big = row(result, 'rxbus, 100,000 waiters');
  target(result, { text: '100 000 waiters timing out ≤ 20 µs each', measured: big.median, unit: ' µs', met: big.median <= 20 });
  target(result, {
    text: 'flat from 10k to 100k: per-waiter cost at 100k ≤ 1.5× at 10k',
    measured: 1 / big.ratio.median,
    unit: '×',
    met: 1 / big.ratio.median <= 1.5,
  });
  return [result];
}
