// The hand-written comparison points: what a careful user would write without
// rxbus. They are deliberately straightforward, not strawmen.
import { setMaxListeners } from 'node:events';
import { filter, firstValueFrom, fromEvent, take, takeUntil, timeout } from 'rxjs';

/**
 * The naive RxJS waiter the contract describes — every waiter subscribes to
 * one shared Subject of `{ type, payload }` envelopes:
 * `filter(type && predicate) → take(1) → timeout({ first }) → takeUntil(abort$)`,
 * as a promise. Each pending waiter is an operator chain on the Subject, so
 * every publish visits every waiter.
 */
export function naiveWaitFor(subject, type, predicate, { timeout: ms, signal, scheduler }) {
  let source = subject.pipe(
    filter((e) => e.type === type && predicate(e.payload)),
    take(1),
  );
  if (ms > 0) source = source.pipe(timeout(scheduler === undefined ? { first: ms } : { first: ms, scheduler }));
  if (signal !== undefined) source = source.pipe(takeUntil(fromEvent(signal, 'abort')));
  return firstValueFrom(source);
}

/**
 * An AbortController whose signal may carry thousands of listeners without
 * Node's leak warning (the naive waiter adds one listener per waiter; rxbus
 * shares one per signal).
 */
export function manyListenerController() {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * The minimal counting semaphore the pool is measured against: a counter and
 * an array used as a queue (a moving head index instead of `shift()`, which
 * is O(n)). `run(job)` starts the job now or queues it; `idle()` resolves when
 * everything has run. No per-job promise, no error isolation, no bound on the
 * queue: the least work any limiter can do.
 */
export function createSemaphore(limit) {
  let active = 0;
  let queue = [];
  let head = 0;
  let onIdle;
  const release = () => {
    active--;
    if (head < queue.length) {
      const next = queue[head];
      queue[head++] = undefined;
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      start(next);
    } else if (active === 0 && onIdle !== undefined) {
      const resolve = onIdle;
      onIdle = undefined;
      resolve();
    }
  };
  const start = (job) => {
    active++;
    job().then(release, release);
  };
  return {
    run(job) {
      if (active < limit) start(job);
      else queue.push(job);
    },
    idle() {
      if (active === 0 && head === queue.length) return Promise.resolve();
      return new Promise((resolve) => (onIdle = resolve));
    },
  };
}
