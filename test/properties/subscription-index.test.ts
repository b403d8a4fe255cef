/**
 * One pattern index for streams, handlers and waiters: each kind of
 * subscription reaches exactly the subscribers whose pattern matches (exact,
 * `*`, `**` and mixed patterns, with empty and `__proto__`-like segments), in
 * subscription order; a subscriber removed during a publish misses that
 * event; and 100 000 subscribe/unsubscribe cycles leave nothing in the index.
 */
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { PROPERTY_RUNS, PROPERTY_TIMEOUT } from './interleavings.js';
import { patternArbitrary, typeArbitrary } from '../support/pattern-arbitraries.js';
import { createBus, type Bus } from '../../src/index.js';
import { INDEX_CENSUS, type IndexCensus } from '../../src/pattern-index.js';

type AnyBus = Bus<Record<string, unknown>>;
type Kind = 'events$' | 'on' | 'waitFor$';
const KINDS: readonly Kind[] = ['events$', 'on', 'waitFor$'];

/** The contract's rule, written out naively: `*` is one non-empty segment, `**` one or more. */
function matches(pattern: string, type: string): boolean {
  const p = pattern.split('.');
  const t = type.split('.');
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    if (p[i] === '**') {
      for (let k = j + 1; k <= t.length && t[k - 1] !== ''; k++) if (go(i + 1, k)) return true;
      return false;
    }
    if (j === t.length) return false;
    if (p[i] === '*') return t[j] !== '' && go(i + 1, j + 1);
    return p[i] === t[j] && go(i + 1, j + 1);
  };
  return go(0, 0);
}

/** Subscribes `index` as a subscriber of `kind`; `seen` is told of every event it gets. */
function subscribe(bus: AnyBus, kind: Kind, pattern: string, index: number, seen: (index: number, type: string) => void): Subscription {
  switch (kind) {
    case 'events$':
      return bus.events$(pattern).subscribe((event) => seen(index, event.type));
    case 'on':
      return bus.on(pattern, (_payload, event) => void seen(index, event.type));
    case 'waitFor$':
      return bus.waitFor$(pattern).subscribe((event) => seen(index, event.type));
  }
}

function census(bus: AnyBus): { streams: IndexCensus; handlers: IndexCensus; waiters: IndexCensus } {
  return (bus as unknown as { [INDEX_CENSUS](): ReturnType<typeof census> })[INDEX_CENSUS]();
}

const EMPTY = { entries: 0, nodes: 0 };

const pattern = patternArbitrary(4);
const type = typeArbitrary(5);

describe.each(KINDS)('%s through the pattern index', (kind) => {
  it(
    'reaches exactly the subscribers whose pattern matches, in subscription order (property)',
    () => {
      fc.assert(
        fc.property(
          fc.array(pattern, { minLength: 1, maxLength: 12 }),
          fc.array(type, { minLength: 1, maxLength: 6 }),
          (patterns, types) => {
            const bus = createBus({ concurrency: 64, history: 0 }) as AnyBus;
            for (const t of types) {
              const seen: number[] = [];
              // Waiters are one-shot: every type gets a fresh set, like the other kinds.
              const subscriptions = patterns.map((p, i) => subscribe(bus, kind, p, i, (index) => seen.push(index)));
              bus.publish(t, undefined);
              const expected = patterns.flatMap((p, i) => (matches(p, t) ? [i] : []));
              expect(seen, `type '${t}', patterns ${JSON.stringify(patterns)}`).toEqual(expected);
              for (const subscription of subscriptions) subscription.unsubscribe();
            }
            expect(census(bus)).toEqual({ streams: EMPTY, handlers: EMPTY, waiters: EMPTY });
          },
        ),
        { numRuns: PROPERTY_RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'skips exactly the subscribers that an earlier one removed during the publish (property)',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ pattern, removes: fc.option(fc.nat(11), { nil: undefined }) }), { minLength: 1, maxLength: 12 }),
          type,
          (specs, t) => {
            const bus = createBus({ concurrency: 64, history: 0 }) as AnyBus;
            const seen: number[] = [];
            const subscriptions: Subscription[] = [];
            specs.forEach((spec, i) => {
              subscriptions.push(
                subscribe(bus, kind, spec.pattern, i, (index) => {
                  seen.push(index);
                  if (spec.removes !== undefined) subscriptions[spec.removes % specs.length]!.unsubscribe();
                }),
              );
            });
            bus.publish(t, undefined);
            // The oracle: subscribers in subscription order; one that receives removes its target at once.
            const removed = new Set<number>();
            const expected: number[] = [];
            specs.forEach((spec, i) => {
              if (removed.has(i) || !matches(spec.pattern, t)) return;
              expected.push(i);
              if (spec.removes !== undefined) removed.add(spec.removes % specs.length);
            });
            expect(seen).toEqual(expected);
            for (const subscription of subscriptions) subscription.unsubscribe();
            expect(census(bus)).toEqual({ streams: EMPTY, handlers: EMPTY, waiters: EMPTY });
          },
        ),
        { numRuns: PROPERTY_RUNS },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it('does not give the event to a later subscriber removed during the publish, and gives it to the earlier ones', () => {
    const bus = createBus({ concurrency: 64 }) as AnyBus;
    const seen: string[] = [];
    const subscriptions: Subscription[] = [];
    // 0 removes 2 (not reached yet) and 1 (reached already) when it gets the first event.
    subscriptions.push(
      subscribe(bus, kind, 'order.*', 0, (_i, t) => {
        seen.push(`0:${t}`);
        subscriptions[2]!.unsubscribe();
        subscriptions[1]!.unsubscribe();
      }),
    );
    subscriptions.push(subscribe(bus, kind, '**', 1, (_i, t) => seen.push(`1:${t}`)));
    subscriptions.push(subscribe(bus, kind, 'order.created', 2, (_i, t) => seen.push(`2:${t}`)));
    subscriptions.push(subscribe(bus, kind, 'order.**', 3, (_i, t) => seen.push(`3:${t}`)));
    bus.publish('order.created', undefined);
    bus.publish('order.paid', undefined);
    // A waiter is one-shot: it saw only the first event. Subscriber 1 saw the
    // first event before it was removed (it was reached first: '**' and
    // 'order.*' both match, and 0 subscribed first).
    expect(seen).toEqual(
      kind === 'waitFor$' ? ['0:order.created', '3:order.created'] : ['0:order.created', '3:order.created', '0:order.paid', '3:order.paid'],
    );
  });

  it('leaves no entry, node or bucket behind after 100 000 subscribe/unsubscribe cycles with distinct patterns', () => {
    const bus = createBus() as AnyBus;
    const forms = [(i: number) => `t${i}`, (i: number) => `t${i}.*`, (i: number) => `*.t${i}.**`, (i: number) => `t${i}.**.x`];
    const live: Subscription[] = [];
    for (let i = 0; i < 100_000; i++) {
      const subscription = subscribe(bus, kind, forms[i % forms.length]!(i), i, () => undefined);
      // Keep a few hundred alive at a time, removed out of order.
      live.push(subscription);
      if (live.length > 300) live.splice((i * 7919) % live.length, 1)[0]!.unsubscribe();
    }
    const during = census(bus);
    const own = kind === 'events$' ? during.streams : kind === 'on' ? during.handlers : during.waiters;
    expect(own.entries).toBe(300);
    expect(own.nodes).toBeGreaterThanOrEqual(300);
    for (const subscription of live) subscription.unsubscribe();
    expect(census(bus)).toEqual({ streams: EMPTY, handlers: EMPTY, waiters: EMPTY });
    expect(bus.stats().subscriptions).toBe(0);
  });
});
