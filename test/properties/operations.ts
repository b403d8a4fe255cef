/**
 * What a property run can do to a bus, as plain data, and the fast-check
 * arbitraries that generate it.
 *
 * An operation is data (not a closure) so that fast-check can shrink it and
 * print it: a counterexample reads as the list of steps that broke the bus.
 * Callbacks the bus calls back into (stream subscribers, matchers, key
 * functions, handler starts and ends, responders, `errors$`/`dropped$`
 * subscribers, `waitFor$` next callbacks) carry an optional {@link Reaction}:
 * what that user code does to the bus from inside, the first time it runs.
 */
import fc from 'fast-check';

/** The event types the runs publish (`req` is the request type). */
export const EVENT_TYPES = ['a', 'b', 'a.x', 'req'] as const;
export type EventTypeName = (typeof EVENT_TYPES)[number];

/** The patterns handlers, streams and waiters use. */
export const PATTERNS = ['a', 'b', 'a.x', 'a.*', 'a.**', '*', '**', 'req'] as const;

/**
 * How a signal handed to the bus behaves: none; live (aborted later, maybe,
 * by an `abort` step); already aborted; live, with an earlier listener that
 * calls `stopImmediatePropagation()` when it aborts (defect 12).
 */
export type SignalSpec = 'none' | 'live' | 'aborted' | 'stopped';

/** A payload: `k` feeds key functions and pinned matchers, `v` matchers. `hostile`: reading `v` throws. */
export interface PayloadSpec {
  readonly k: number;
  readonly v: number;
  readonly hostile?: boolean;
}

/** What user code does to the bus from inside a callback (once). */
export type Reaction =
  | { readonly kind: 'publish'; readonly type: EventTypeName; readonly payload: PayloadSpec }
  | { readonly kind: 'emit'; readonly type: EventTypeName; readonly payload: PayloadSpec; readonly timeout: number }
  | { readonly kind: 'unsubscribe'; readonly target: UnsubscribeTarget; readonly index: number }
  | { readonly kind: 'abort'; readonly index: number }
  | { readonly kind: 'close'; readonly drain: boolean; readonly timeout: number }
  | { readonly kind: 'waitFor'; readonly wait: WaitSpec }
  | { readonly kind: 'on'; readonly handler: HandlerSpec }
  | { readonly kind: 'request'; readonly request: RequestSpec }
  | PoolControl;

/** Pool controls (`pause`, `resume`, `clear`), as steps and as reactions. */
export type PoolControl =
  { readonly kind: 'pause' } | { readonly kind: 'resume' } | { readonly kind: 'clear'; readonly pattern: string | undefined };

export type UnsubscribeTarget = 'handler' | 'stream' | 'waiter' | 'responder';

/** How a thrown or rejected value looks: hostile kinds cannot be turned into a string (defect 15). */
export type FailureKind = 'error' | 'string' | 'null' | 'null-prototype' | 'revoked-proxy' | 'throwing-message';

/** What a handler job does. */
export interface Behaviour {
  /**
   * `sync` returns; `throw` throws; `async` resolves after `delay` virtual ms;
   * `reject` rejects after `delay`; `cooperative` resolves after `delay`
   * unless its signal aborts first (then it rejects with the reason at once).
   */
  readonly mode: 'sync' | 'throw' | 'async' | 'reject' | 'cooperative';
  readonly delay: number;
  readonly failure: FailureKind;
  /** Done when an async job ends (inside the virtual timer that ends it). */
  readonly late?: Reaction | undefined;
}

export interface HandlerSpec {
  readonly pattern: string;
  /** The handler's own `concurrency` (Infinity: none). */
  readonly cap: number;
  readonly keyed: boolean;
  /** The key function throws for payloads with this `k`. */
  readonly keyThrowsOn?: number | undefined;
  readonly keyReaction?: Reaction | undefined;
  /** Done when the job starts, before it returns. */
  readonly reaction?: Reaction | undefined;
  readonly behaviour: Behaviour;
  readonly signal: SignalSpec;
  /** Per-job `timeout` (ms; 0 = none). */
  readonly timeout?: number | undefined;
}

export interface StreamSpec {
  readonly pattern: string;
  readonly reaction?: Reaction | undefined;
  /** Tries to change the envelope it receives (defect 22). */
  readonly mutate: boolean;
}

export type MatcherKind =
  | 'any' // no matcher
  | 'pin-v' // { v: x }: an indexed, pinned field
  | 'pin-kv' // { k: x, v: y }
  | 'predicate' // (p) => p.v === x
  | 'field-predicate' // { v: (v) => v >= x }
  | 'throws' // (p) => throws when p.v === x, else p.k === 0
  | 'thenable'; // (p) => Promise.resolve(true): not a synchronous matcher (defect 20)

export interface MatcherSpec {
  readonly kind: MatcherKind;
  readonly k: number;
  readonly v: number;
  /** Done the first time the matcher is called (predicates only). */
  readonly reaction?: Reaction | undefined;
}

export interface WaitSpec {
  readonly form: 'promise' | 'observable';
  readonly pattern: string;
  readonly matcher: MatcherSpec;
  /** 0 = none. */
  readonly timeout: number;
  readonly signal: SignalSpec;
  /** `cursor`: one taken by an earlier `mark` step (by index); `history`: the whole buffer. */
  readonly since: 'none' | 'history' | { readonly cursor: number };
  /** Done in a `waitFor$` next callback. */
  readonly reaction?: Reaction | undefined;
}

export interface EmitSpec {
  readonly type: EventTypeName;
  readonly payload: PayloadSpec;
  readonly timeout: number;
  readonly signal: SignalSpec;
}

export interface RequestSpec {
  readonly payload: PayloadSpec;
  readonly timeout: number;
  readonly signal: SignalSpec;
}

export interface ResponderSpec {
  readonly mode: 'reply' | 'throw' | 'async-reply' | 'async-reject' | 'cooperative';
  readonly delay: number;
  readonly reaction?: Reaction | undefined;
}

/** One step of a run. */
export type Op =
  | { readonly kind: 'on'; readonly handler: HandlerSpec }
  | { readonly kind: 'stream'; readonly stream: StreamSpec }
  | { readonly kind: 'publish'; readonly type: EventTypeName; readonly payload: PayloadSpec }
  | { readonly kind: 'emit'; readonly emit: EmitSpec }
  | { readonly kind: 'waitFor'; readonly wait: WaitSpec }
  | { readonly kind: 'unsubscribe'; readonly target: UnsubscribeTarget; readonly index: number }
  | { readonly kind: 'abort'; readonly index: number }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'mark' }
  | { readonly kind: 'track'; readonly promise: boolean }
  | { readonly kind: 'release'; readonly index: number; readonly reject: boolean }
  | { readonly kind: 'settled' }
  | { readonly kind: 'close'; readonly drain: boolean; readonly timeout: number }
  | { readonly kind: 'handle'; readonly responder: ResponderSpec }
  | { readonly kind: 'request'; readonly request: RequestSpec }
  | { readonly kind: 'watch'; readonly channel: 'errors' | 'dropped'; readonly reaction: Reaction }
  | PoolControl;

export type OpKind = Op['kind'];

/** The bus options of a run. */
export interface BusConfig {
  readonly concurrency: number;
  readonly capacity: number;
  readonly overflow: 'error' | 'drop-newest' | 'drop-oldest';
  readonly history: number;
}

/**
 * How often each step kind is drawn (0: never), and whether hostile inputs
 * (unstringifiable failures, throwing payload getters, thenable matchers,
 * envelope mutation) are drawn. Each property weights the steps its
 * invariants are about.
 */
export interface Mix {
  readonly weights: Readonly<Partial<Record<OpKind, number>>>;
  /** How often a callback carries a reaction, 0..1. */
  readonly reactions: number;
  readonly hostile: boolean;
  readonly maxCommands: number;
  /** Whether handlers get a per-job `timeout` (and reactions may pause, resume and clear the pool). */
  readonly poolControls?: boolean;
}

/** A balanced mix: every step kind, reactions in a third of the callbacks. */
export const BALANCED: Mix = {
  weights: {
    on: 4,
    stream: 2,
    publish: 6,
    emit: 3,
    waitFor: 4,
    unsubscribe: 2,
    abort: 2,
    advance: 4,
    mark: 1,
    track: 1,
    release: 1,
    settled: 1,
    close: 1,
    handle: 1,
    request: 2,
    watch: 1,
  },
  reactions: 0.35,
  hostile: false,
  maxCommands: 24,
};

/**
 * {@link BALANCED} with some weights changed; with `only`, just the step
 * kinds given in `weights`.
 */
export function mix(changes: Partial<Omit<Mix, 'weights'>> & { weights?: Partial<Record<OpKind, number>>; only?: boolean }): Mix {
  const { only = false, weights = {}, ...rest } = changes;
  return { ...BALANCED, ...rest, weights: only ? weights : { ...BALANCED.weights, ...weights } };
}

export const configArbitrary: fc.Arbitrary<BusConfig> = fc.record({
  // Small limits, so that slots fill, jobs queue and producers wait.
  concurrency: fc.constantFrom(1, 1, 1, 2, 3),
  capacity: fc.constantFrom(0, 0, 1, 1, 2, 3),
  overflow: fc.constantFrom('error' as const, 'drop-newest' as const, 'drop-oldest' as const),
  history: fc.integer({ min: 0, max: 4 }),
});

/** The arbitraries of one mix. */
export function opArbitraries(m: Mix) {
  // Most traffic goes to 'a' and most patterns match it, so that jobs pile
  // up and the queue, the overflow policies and waiting emitters get used.
  const type = fc.constantFrom<EventTypeName>('a', 'a', 'a', 'b', 'a.x', 'req');
  const plainType = fc.constantFrom<EventTypeName>('a', 'a', 'a', 'b', 'a.x');
  const pattern = fc.constantFrom<string>('a', 'a', 'a', '*', '**', ...PATTERNS.filter((p) => p !== 'a' && p !== '*' && p !== '**'));
  const payload: fc.Arbitrary<PayloadSpec> = m.hostile
    ? fc.record({ k: fc.nat(2), v: fc.nat(3), hostile: fc.boolean() }, { requiredKeys: ['k', 'v'] })
    : fc.record({ k: fc.nat(2), v: fc.nat(3) });
  const signal = fc.constantFrom<SignalSpec>('none', 'none', 'live', 'live', 'aborted', 'stopped');
  const index = fc.nat(7);
  const timeout = fc.constantFrom(0, 0, 1, 3, 8);
  const failure: fc.Arbitrary<FailureKind> = m.hostile
    ? fc.constantFrom<FailureKind>('error', 'string', 'null', 'null-prototype', 'revoked-proxy', 'throwing-message')
    : fc.constantFrom<FailureKind>('error', 'error', 'string');

  // Reactions nest (a reaction may add a handler with a reaction) to a small depth.
  const reactionAt = (depth: number): fc.Arbitrary<Reaction | undefined> => {
    if (depth > 1 || m.reactions === 0) return fc.constant(undefined);
    const kinds: fc.Arbitrary<Reaction>[] = [
      fc.record({ kind: fc.constant('publish' as const), type, payload }),
      fc.record({ kind: fc.constant('publish' as const), type, payload }),
      fc.record({ kind: fc.constant('emit' as const), type: plainType, payload, timeout }),
      fc.record({ kind: fc.constant('unsubscribe' as const), target: unsubscribeTarget, index }),
      fc.record({ kind: fc.constant('unsubscribe' as const), target: unsubscribeTarget, index }),
      fc.record({ kind: fc.constant('abort' as const), index }),
      fc.record({ kind: fc.constant('waitFor' as const), wait: waitAt(depth + 1) }),
      fc.record({ kind: fc.constant('on' as const), handler: handlerAt(depth + 1) }),
      fc.record({ kind: fc.constant('request' as const), request }),
    ];
    if ((m.weights.close ?? 0) > 0)
      kinds.push(fc.record({ kind: fc.constant('close' as const), drain: fc.boolean(), timeout: fc.constantFrom(0, 0, 2) }));
    if (m.poolControls) kinds.push(poolControl, poolControl);
    // Shrinks towards "no reaction" (cross shrinking to the first branch).
    const percent = Math.round(m.reactions * 100);
    return fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant(undefined), weight: 100 - percent },
      { arbitrary: fc.oneof(...kinds), weight: percent },
    );
  };
  const poolControl: fc.Arbitrary<PoolControl> = fc.oneof(
    fc.constant({ kind: 'pause' as const }),
    fc.constant({ kind: 'resume' as const }),
    fc.record({ kind: fc.constant('clear' as const), pattern: fc.option(pattern, { nil: undefined }) }),
  );
  const unsubscribeTarget = fc.constantFrom<UnsubscribeTarget>('handler', 'handler', 'stream', 'waiter', 'responder');
  const request: fc.Arbitrary<RequestSpec> = fc.record({ payload, timeout, signal });

  const behaviourAt = (depth: number): fc.Arbitrary<Behaviour> =>
    fc.record({
      mode: fc.constantFrom<Behaviour['mode']>(
        'sync',
        'sync',
        'throw',
        'async',
        'async',
        'async',
        'async',
        'reject',
        'cooperative',
        'cooperative',
      ),
      delay: fc.constantFrom(0, 1, 3, 5, 10),
      failure,
      late: reactionAt(depth + 1),
    });
  const handlerAt = (depth: number): fc.Arbitrary<HandlerSpec> =>
    fc.record({
      pattern,
      cap: fc.constantFrom(Infinity, Infinity, 1, 2),
      keyed: fc.boolean(),
      keyThrowsOn: fc.option(fc.nat(2), { nil: undefined, freq: 4 }),
      keyReaction: reactionAt(depth + 1),
      reaction: reactionAt(depth),
      behaviour: behaviourAt(depth),
      signal: fc.constantFrom<SignalSpec>('none', 'none', 'live', 'aborted'),
      timeout: m.poolControls ? fc.constantFrom(0, 0, 2, 4, 5) : fc.constant(undefined),
    });
  const matcherKinds: MatcherKind[] = ['any', 'pin-v', 'pin-kv', 'predicate', 'predicate', 'field-predicate', 'throws'];
  if (m.hostile) matcherKinds.push('thenable');
  const matcherAt = (depth: number): fc.Arbitrary<MatcherSpec> =>
    fc.record({ kind: fc.constantFrom(...matcherKinds), k: fc.nat(2), v: fc.nat(3), reaction: reactionAt(depth + 1) });
  const waitAt = (depth: number): fc.Arbitrary<WaitSpec> =>
    fc.record({
      form: fc.constantFrom('promise' as const, 'observable' as const),
      pattern,
      matcher: matcherAt(depth),
      timeout: fc.constantFrom(0, 1, 3, 8, 8),
      signal,
      since: fc.oneof(
        { arbitrary: fc.constant('none' as const), weight: 3 },
        { arbitrary: fc.constant('history' as const), weight: 1 },
        { arbitrary: fc.record({ cursor: index }), weight: 2 },
      ),
      reaction: reactionAt(depth + 1),
    });
  const responder: fc.Arbitrary<ResponderSpec> = fc.record({
    mode: fc.constantFrom<ResponderSpec['mode']>('reply', 'throw', 'async-reply', 'async-reply', 'async-reject', 'cooperative'),
    delay: fc.constantFrom(0, 1, 4, 10),
    reaction: reactionAt(0),
  });

  const byKind: Record<OpKind, fc.Arbitrary<Op>> = {
    on: fc.record({ kind: fc.constant('on' as const), handler: handlerAt(0) }),
    stream: fc.record({
      kind: fc.constant('stream' as const),
      stream: fc.record({ pattern, reaction: reactionAt(0), mutate: m.hostile ? fc.boolean() : fc.constant(false) }),
    }),
    publish: fc.record({ kind: fc.constant('publish' as const), type, payload }),
    emit: fc.record({ kind: fc.constant('emit' as const), emit: fc.record({ type: plainType, payload, timeout, signal }) }),
    waitFor: fc.record({ kind: fc.constant('waitFor' as const), wait: waitAt(0) }),
    unsubscribe: fc.record({ kind: fc.constant('unsubscribe' as const), target: unsubscribeTarget, index }),
    abort: fc.record({ kind: fc.constant('abort' as const), index }),
    advance: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 2, 4) }),
    mark: fc.constant({ kind: 'mark' as const }),
    track: fc.record({ kind: fc.constant('track' as const), promise: fc.boolean() }),
    release: fc.record({ kind: fc.constant('release' as const), index, reject: fc.boolean() }),
    settled: fc.constant({ kind: 'settled' as const }),
    close: fc.record({ kind: fc.constant('close' as const), drain: fc.boolean(), timeout: fc.constantFrom(0, 0, 2, 6) }),
    handle: fc.record({ kind: fc.constant('handle' as const), responder }),
    request: fc.record({ kind: fc.constant('request' as const), request }),
    pause: fc.constant({ kind: 'pause' as const }),
    resume: fc.constant({ kind: 'resume' as const }),
    clear: fc.record({ kind: fc.constant('clear' as const), pattern: fc.option(pattern, { nil: undefined }) }),
    watch: fc.record({
      kind: fc.constant('watch' as const),
      channel: fc.constantFrom('errors' as const, 'dropped' as const),
      reaction: reactionAt(0).map((r) => r ?? ({ kind: 'publish', type: 'a', payload: { k: 0, v: 0 } } as const)),
    }),
  };
  return (Object.keys(byKind) as OpKind[])
    .filter((kind) => (m.weights[kind] ?? 0) > 0)
    .map((kind) => ({ kind, weight: m.weights[kind]!, arbitrary: byKind[kind] }));
}

/**
 * A short, readable rendering of an op for counterexamples: fields that the
 * op's other fields make irrelevant (the key options of an unkeyed handler,
 * the delay of a synchronous one, …) are left out.
 */
export function describeOp(op: unknown): string {
  return JSON.stringify(op, function (this: Record<string, unknown>, key: string, value: unknown) {
    if (value === Infinity) return '∞';
    if (value === undefined || (key === 'mutate' && value === false) || (key === 'hostile' && value === false)) return undefined;
    if ('keyed' in this && this.keyed === false && (key === 'keyThrowsOn' || key === 'keyReaction')) return undefined;
    if ('mode' in this && 'failure' in this) {
      const mode = this.mode as Behaviour['mode'];
      if ((mode === 'sync' || mode === 'throw') && (key === 'delay' || key === 'late')) return undefined;
      if (mode !== 'throw' && mode !== 'reject' && key === 'failure') return undefined;
    }
    if ('kind' in this && 'k' in this && 'v' in this && !('type' in this) && !('hostile' in this)) {
      const kind = this.kind as MatcherKind;
      const reacts = kind === 'predicate' || kind === 'field-predicate' || kind === 'throws' || kind === 'thenable';
      if (key === 'reaction' && !reacts) return undefined;
      if (key === 'k' && kind !== 'pin-kv') return undefined;
      if (key === 'v' && (kind === 'any' || kind === 'thenable')) return undefined;
    }
    if ('form' in this && this.form === 'promise' && key === 'reaction') return undefined;
    return value;
  });
}
