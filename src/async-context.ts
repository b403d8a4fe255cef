/**
 * Async context propagation for handler jobs: a job runs in the async context
 * of the `publish` or `emit` that created it, not in the context of whichever
 * job happened to free its slot.
 *
 * On Node that context is `AsyncLocalStorage` (nestjs-cls, OpenTelemetry and
 * request loggers keep their per-request state there). A job that starts
 * inside its own publish already runs in it; only a job that waits (in the
 * queue, or behind the job that is calling it) would run later in someone
 * else's. For those, the dispatcher captures the context once per event as
 * an `AsyncResource` and the pool runs the job inside it. (An
 * `AsyncResource` costs ~0.1 µs on Node 20; `AsyncLocalStorage.snapshot()`,
 * which does the same, costs ~10 µs.)
 *
 * The module is found with `process.getBuiltinModule` (Node ≥ 20.16), not
 * imported: the core must load in browsers, where there is no such context
 * and {@link captureAsyncContext} is `undefined` (jobs then run as before).
 */
import type { ContextScope } from './pool.js';

type ResourceClass = new (type: string) => ContextScope;

function findAsyncResource(): ResourceClass | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const hooks = proc.getBuiltinModule('node:async_hooks') as { AsyncResource?: ResourceClass } | undefined;
    return typeof hooks?.AsyncResource === 'function' ? hooks.AsyncResource : undefined;
  } catch {
    return undefined;
  }
}

// Marked pure: a bundler may drop the lookup when nothing uses captureAsyncContext.
const AsyncResourceClass = /*#__PURE__*/ findAsyncResource();

/**
 * Captures the current async context, or is `undefined` where the platform
 * has no async context to carry.
 *
 * @example
 * ```ts
 * const scope = captureAsyncContext?.();
 * later(() => (scope ? scope.runInAsyncScope(run, undefined) : run()));
 * ```
 */
export const captureAsyncContext: (() => ContextScope) | undefined =
  AsyncResourceClass === undefined ? undefined : () => new AsyncResourceClass('rxbus.job');
