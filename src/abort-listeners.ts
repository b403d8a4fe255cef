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
 *
 * An earlier listener that calls `event.stopImmediatePropagation()` must not
 * make a wait miss its abort (Node's `events.once` is immune too). Where Node
 * offers it (≥ 20.16, through `process.getBuiltinModule`, so that the core
 * imports no Node module and still runs in browsers), the listener is added
 * with `events.addAbortListener`, which propagation cannot stop. Its
 * Disposable is not kept: it only removes that same function with
 * `removeEventListener` — which a probe checks once, before the first use —
 * and keeping one per signal would cost ~430 bytes (measured), more than
 * rxbus's whole share. Elsewhere the listener is added in the capture phase,
 * which browsers run before every bubbling listener at the target, and
 * {@link checkAborted} lets the places where a wait settles deliver an abort
 * that a stopped event never brought.
 */

/** Something to tell when a signal aborts. */
export interface AbortTarget {
  onAbort(reason: unknown): void;
}

/** The targets of each signal that has any: one, or a Set of several. */
const registry = new WeakMap<AbortSignal, AbortTarget | Set<AbortTarget>>();
/** The listeners of look-alike signals. */
const closures = new WeakMap<AbortSignal, () => void>();

/** Adds the listener of a real `AbortSignal` so that propagation cannot stop it. */
type Listen = (signal: AbortSignal, listener: (event: Event) => void) => void;

/** `null`: not available here; `undefined`: not looked up yet. */
let proofListen: Listen | null | undefined;
/** The fallback's options: the capture phase, which browsers run first at the target. */
const CAPTURE: AddEventListenerOptions = { capture: true };

/** Node's `events.addAbortListener`, if this platform has it and it behaves as the header says. */
function findProofListen(): Listen | null {
  try {
    const events = globalThis.process?.getBuiltinModule?.('node:events') as
      { addAbortListener?: (signal: AbortSignal, listener: (event: Event) => void) => unknown } | undefined;
    const addAbortListener = events?.addAbortListener;
    if (typeof addAbortListener !== 'function' || typeof AbortController !== 'function') return null;
    const probe = new AbortController();
    let heard = 0;
    const kept = (): void => {
      heard += 1;
    };
    const removed = (): void => {
      heard += 10;
    };
    probe.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
    addAbortListener(probe.signal, kept);
    addAbortListener(probe.signal, removed);
    probe.signal.removeEventListener('abort', removed);
    probe.abort();
    if (heard !== 1) return null;
    return (signal, listener) => void addAbortListener(signal, listener);
  } catch {
    return null;
  }
}

function isAbortSignal(signal: AbortSignal): boolean {
  return typeof AbortSignal === 'function' && signal instanceof AbortSignal;
}

function isEventTarget(signal: AbortSignal): boolean {
  return typeof EventTarget === 'function' && signal instanceof EventTarget;
}

function onAbortEvent(event: Event): void {
  fire(event.target as AbortSignal);
}

function startListening(signal: AbortSignal): void {
  if (isAbortSignal(signal)) {
    if (proofListen === undefined) proofListen = findProofListen();
    if (proofListen !== null) {
      proofListen(signal, onAbortEvent);
      return;
    }
  }
  if (isEventTarget(signal)) {
    signal.addEventListener('abort', onAbortEvent, CAPTURE);
    return;
  }
  const listener = (): void => fire(signal);
  closures.set(signal, listener);
  signal.addEventListener('abort', listener);
}

function stopListening(signal: AbortSignal): void {
  registry.delete(signal);
  const listener = closures.get(signal);
  if (listener !== undefined) {
    closures.delete(signal);
    signal.removeEventListener('abort', listener);
  } else if (proofListen && isAbortSignal(signal)) {
    signal.removeEventListener('abort', onAbortEvent);
  } else {
    signal.removeEventListener('abort', onAbortEvent, CAPTURE);
  }
}

function fire(signal: AbortSignal): void {
  const targets = registry.get(signal);
  if (targets === undefined) return;
  stopListening(signal);
  const reason = signal.reason;
  if (!(targets instanceof Set)) {
    targets.onAbort(reason);
    return;
  }
  // Copy first: targets usually remove themselves as they react. Every target
  // is told even if one throws, since the listener is already gone.
  let failed = false;
  let error: unknown;
  for (const t of [...targets]) {
    try {
      t.onAbort(reason);
    } catch (err) {
      if (!failed) error = err;
      failed = true;
    }
  }
  if (failed) throw error;
}

/**
 * Tells `target` when `signal` aborts, even if another listener stops the
 * `'abort'` event. The signal must not be aborted yet (check `signal.aborted`
 * first: an aborted signal never fires again).
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
    startListening(signal);
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

/**
 * Whether an abort of `signal` could have been hidden from rxbus (so the
 * places where a wait settles must re-check `signal.aborted`): false for a
 * real AbortSignal where the propagation-proof listener is in use, since
 * reading `aborted` costs more than the rest of offering an event to a waiter.
 *
 * @example
 * ```ts
 * if (mayMissAbort(signal) && checkAborted(signal)) return;
 * ```
 */
export function mayMissAbort(signal: AbortSignal): boolean {
  return typeof proofListen !== 'function' || !isAbortSignal(signal);
}

/**
 * Returns `signal.aborted`; when it is true, first tells the signal's targets
 * that have not been told yet (where no propagation-proof listener exists, an
 * earlier listener may have stopped the `'abort'` event). Call it where a
 * wait is about to settle some other way — a value matched, a deadline
 * passed — so that an abort that came first wins. Costs one property read
 * while the signal has not aborted.
 *
 * @example
 * ```ts
 * if (signal !== undefined && checkAborted(signal)) return; // the wait was just told, and has settled
 * ```
 */
export function checkAborted(signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  fire(signal);
  return true;
}
