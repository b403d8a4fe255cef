/**
 * One real `'abort'` listener per AbortSignal, shared by everything in rxbus
 * that waits on that signal. Node's `EventTarget` slows down with each
 * listener and warns past 10, and thousands of waiters often share one
 * signal; the listener is removed when the last target leaves. (No
 * `AbortSignal.any()`: on Node 20 it keeps its sources alive.)
 */

/** Something to tell when a signal aborts. */
export interface AbortTarget {
  onAbort(reason: unknown): void;
}

interface Shared {
  readonly targets: Set<AbortTarget>;
  readonly listener: () => void;
}

const registry = new WeakMap<AbortSignal, Shared>();

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
  let shared = registry.get(signal);
  if (shared === undefined) {
    const targets = new Set<AbortTarget>();
    const listener = (): void => {
      registry.delete(signal);
      signal.removeEventListener('abort', listener);
      // Copy first: targets usually remove themselves as they react.
      for (const t of [...targets]) t.onAbort(signal.reason);
    };
    shared = { targets, listener };
    registry.set(signal, shared);
    signal.addEventListener('abort', listener);
  }
  shared.targets.add(target);
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
  const shared = registry.get(signal);
  if (shared === undefined || !shared.targets.delete(target)) return;
  if (shared.targets.size === 0) {
    registry.delete(signal);
    signal.removeEventListener('abort', shared.listener);
  }
}
