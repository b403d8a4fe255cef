/**
 * What `RxBusModule.forRoot` takes: the bus's own options, passed through to
 * `createBus`, plus what the module adds (logging and the shutdown drain).
 */
import type { LoggerService } from '@nestjs/common';
import type { BusOptions } from '../bus-api.js';

/**
 * Options of `RxBusModule.forRoot(options)` (or what `forRootAsync`'s
 * `useFactory` returns). Every `createBus` option is accepted and passed
 * through unchanged.
 *
 * @example
 * ```ts fragment
 * RxBusModule.forRoot({ concurrency: 8, capacity: 1024, drainTimeout: 20_000 })
 * ```
 */
export interface RxBusModuleOptions extends BusOptions {
  /**
   * How long the shutdown drain waits for queued and running handler jobs,
   * in ms. When it passes, the jobs left are cancelled (their `signal`
   * aborts), the bus closes, and the logger says which handlers were still
   * running. `0` waits as long as it takes.
   * @default 10_000
   */
  readonly drainTimeout?: number;
  /**
   * Where handler failures (when neither `errors$` nor `onError` takes
   * them) and the shutdown drain are reported.
   * @default new Logger('RxBus') — Nest's logger, so app.useLogger() applies
   */
  readonly logger?: LoggerService;
}

/**
 * Module-level settings of `forRoot` / `forRootAsync` that decide which
 * providers the module has, so they cannot come from an async factory.
 *
 * @example
 * ```ts fragment
 * RxBusModule.forRootAsync({ name: 'audit', isGlobal: true, useFactory: () => ({ concurrency: 2 }) })
 * ```
 */
export interface RxBusModuleExtras {
  /** Make the bus injectable in every module without importing this one. @default false */
  readonly isGlobal?: boolean;
  /**
   * A second (third, ...) bus: registered under `getBusToken(name)`, injected
   * with `@InjectBus(name)`, and given the handlers decorated with `{ bus: name }`.
   * @default undefined — the default bus
   */
  readonly name?: string;
}

/** The drain timeout when none is given, in ms. */
export const DEFAULT_DRAIN_TIMEOUT = 10_000;
