/**
 * Types of page-traffic.mjs, the demo scenario, for TypeScript callers such
 * as test/demo.test.ts.
 */
import type { SchedulerLike } from 'rxjs';

/** Where progress and the summary go: `process.stdout`, or a test's collector. */
export interface DemoOutput {
  write(text: string): unknown;
  /** True for a terminal: progress is one line redrawn with `\r`. */
  readonly isTTY?: boolean;
  /** The terminal's width; the progress line is cut to fit. */
  readonly columns?: number;
}

/** Options of {@link runPageTraffic}; all optional (defaults in {@link DEFAULTS}). */
export interface PageTrafficOptions {
  /** How long the page produces responses and downloads, in ms of scheduler time. */
  readonly duration?: number;
  /** Waiters pending at once. */
  readonly waiters?: number;
  /** Responses nobody waits for, published per second on top of the waited-for ones. */
  readonly responsesPerSecond?: number;
  /** The bus's `concurrency`: handler jobs running at once. */
  readonly concurrency?: number;
  /** The bus's `capacity`: handler jobs waiting for a slot. */
  readonly capacity?: number;
  /** How long the `save` handler takes per download, in ms. */
  readonly saveMs?: number;
  /** How long the `scan` handler takes per download, in ms. */
  readonly scanMs?: number;
  /** `scan` throws on every n-th download. */
  readonly scanFailureEvery?: number;
  /** Tabs (AbortControllers) whose waiters are aborted, closing between 0.3 and 0.6 of `duration`. */
  readonly tabs?: number;
  /** Seed of the random plan: the same seed plans the same run. */
  readonly seed?: number;
  /** Every timer of the scenario and of its bus. Default `asyncScheduler`; a `VirtualScheduler` in tests. */
  readonly scheduler?: SchedulerLike;
  /** Where to write progress and the summary. Default: nowhere. */
  readonly output?: DemoOutput;
  /** `false` writes the summary only. Default `true`. */
  readonly progress?: boolean;
  /** Without a TTY, ms of scheduler time between two progress lines. Default 1000. */
  readonly progressInterval?: number;
}

/** One guarantee the run checked, with the numbers behind it. */
export interface DemoCheck {
  readonly guarantee: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What a run did and what it proved; see docs/examples/README.md for each number. */
export interface PageTrafficSummary {
  /** ms of scheduler time from start to the end of the run. */
  readonly elapsed: number;
  /** The `duration` option: how long the page produced. */
  readonly duration: number;
  readonly seed: number;
  readonly page: {
    /** `page.response` events published. */
    readonly responses: number;
    /** Of those, seen by an `events$('page.response')` subscriber. */
    readonly responsesSeen: number;
    /** What one WaitTimeoutError said, when a waiter timed out. */
    readonly exampleTimeout: string | undefined;
  };
  readonly waiters: {
    readonly total: number;
    /** What the plan says should happen to the waiters. */
    readonly planned: { readonly resolved: number; readonly timedOut: number; readonly aborted: number };
    readonly resolved: number;
    readonly timedOut: number;
    readonly aborted: number;
    /** Waiters that ended any other way (a bug). */
    readonly other: number;
    /** Settlements recorded in the tally (one per waiter when all is well). */
    readonly settlements: number;
    /** Distinct waiters recorded in the tally. */
    readonly settledOnce: number;
    /** Waiters whose outcome differs from the plan. */
    readonly mismatches: number;
  };
  readonly downloads: {
    /** Downloads published through `emit`. */
    readonly emitted: number;
    readonly bytes: number;
    /** `emit` calls that had to wait for queue room. */
    readonly waitedForRoom: number;
    /** Downloads the `save` handler finished. */
    readonly saved: number;
    /** Scan failures the plan implies for the emitted downloads. */
    readonly expectedFailures: number;
    /** Files and bytes in the coordinator's tally. */
    readonly counted: number;
    readonly countedBytes: number;
  };
  readonly failures: {
    /** HandlerErrors seen on `errors$`. */
    readonly count: number;
    /** `stats().failed`. */
    readonly failed: number;
    /** HandlerErrors from a handler other than `scan`. */
    readonly wrongHandler: number;
    readonly example: string | undefined;
  };
  readonly pool: {
    readonly concurrency: number;
    readonly capacity: number;
    /** Highest `stats().queued` / `running` / `emitters` sampled. */
    readonly maxQueued: number;
    readonly maxRunning: number;
    readonly maxEmitters: number;
    readonly samples: number;
    /** `stats().dropped`. */
    readonly dropped: number;
  };
  /** `bus.stats()` after the run, once its own subscriptions are released: all 0 when nothing leaked. */
  readonly leaks: {
    readonly waiters: number;
    readonly subscriptions: number;
    readonly queued: number;
    readonly running: number;
    readonly tracked: number;
    readonly pendingRequests: number;
    readonly emitters: number;
  };
  readonly checks: readonly DemoCheck[];
  /** Every check held. */
  readonly ok: boolean;
}

/** The options `npm run demo` runs with. */
export declare const DEFAULTS: Readonly<Required<Omit<PageTrafficOptions, 'scheduler' | 'output' | 'progress' | 'progressInterval'>>>;

/**
 * Runs the demo scenario and resolves with its summary (also written to
 * `options.output` when given).
 */
export declare function runPageTraffic(options?: PageTrafficOptions): Promise<PageTrafficSummary>;
