/**
 * One real `'abort'` listener per AbortSignal, shared by everything in rxbus
 * that waits on that signal. Node's `EventTarget` slows down with each
 * listener and warns past 10, and thousands of waiters often share one
 * signal; the listener is removed when the last target leaves. (No
 * `AbortSignal.any()`: on Node 20 it keeps its sources alive.)
 *
 * Memory matters as much when each waiter has a signal of its own (one
 * AbortController per request): then, for a real `EventTarget`, the listener
 * is one module-level function that finds the signal as `event.target`, not
 * a closure per signal, and a lone target is stored as itself, not in a Set.
 * That keeps rxbus's share of a signal to one WeakMap entry; Node's own
 * bookkeeping for the first listener on a signal (~850 bytes) is the rest.
 * Look-alike signals (accepted by duck typing; they may call listeners
 * without a proper event) get a closure that knows its signal.
 */

/** Something to tell when a signal aborts. */
export interface AbortTarget {
  onAbort(reason: unknown): void;
}

/** The targets of each signal that has any: one, or a Set of several. */
const registry = new WeakMap<AbortSignal, AbortTarget | Set<AbortTarget>>();
/** The listeners of look-alike signals. */
const closures = new WeakMap<AbortSignal, () => void>();

function isEventTarget(signal: AbortSignal): boolean {
  return typeof EventTarget === 'function' && signal instanceof EventTarget;
}

function onAbortEvent(event: Event): void {
  fire(event.target as AbortSignal);
}

function listenerOf(signal: AbortSignal): (event: Event) => void {
  if (isEventTarget(signal)) return onAbortEvent;
  let listener = closures.get(signal);
  if (listener === undefined) {
    listener = () => fire(signal);
    closures.set(signal, listener);
  }
  return listener;
}

function stopListening(signal: AbortSignal): void {
  registry.delete(signal);
  signal.removeEventListener('abort', listenerOf(signal));
  closures.delete(signal);
}

function fire(signal: AbortSignal): void {
  const targets = registry.get(signal);
  if (targets === undefined) return;
  stopListening(signal);
  if (targets instanceof Set) {
    // Copy first: targets usually remove themselves as they react.
    for (const t of [...targets]) t.onAbort(signal.reason);
  } else {
    targets.onAbort(signal.reason);
  }
}

/**
 * Tells `target` when `signal` aborts. The signal must not be aborted yet
 * (check `signal.aborted` first: an aborted signal never fires again).
 *
 * @example
 * ```ts
 * addAbortTarget(signal, { onAbort: (reason) => console.log('aborted', reason) });
 * ```
 */
export function addAbortTarget(signal: AbortSignal, target: AbortTarget): void {
  const targets = registry.get(signal);
  if (targets === undefined) {
    registry.set(signal, target);
    signal.addEventListener('abort', listenerOf(signal));
  } else if (targets instanceof Set) {
    targets.add(target);
  } else if (targets !== target) {
    registry.set(signal, new Set([targets, target]));
  }
}

/**
 * Stops telling `target`; removes the real listener when it was the last.
 *
 * @example
 * ```ts
 * removeAbortTarget(signal, target);
 * ```
 */
export function removeAbortTarget(signal: AbortSignal, target: AbortTarget): void {
  const targets = registry.get(signal);
  if (targets === undefined) return;
  if (targets instanceof Set) {
    if (!targets.delete(target) || targets.size > 0) return;
  } else if (targets !== target) {
    return;
  }
  stopListening(signal);
}
