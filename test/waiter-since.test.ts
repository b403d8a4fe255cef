import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBus, HistoryGapError, type BusEvent, type Cursor } from '../src/index.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { CursorBook } from '../src/waiter.js';

type Events = { tick: number };

describe('waitFor with since under re-entrant publishes', () => {
  it('offers each event after the cursor exactly once and in order, or rejects with the events lost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }), // history
        fc.integer({ min: 0, max: 6 }), // publishes before the cursor
        fc.integer({ min: 0, max: 6 }), // publishes between the cursor and the wait
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 }), // what the matcher publishes at its i-th call
        fc.integer({ min: 1, max: 40 }), // the id the matcher accepts
        fc.integer({ min: 0, max: 3 }), // live publishes after the wait registered
        (history, before, between, nested, target, live) => {
          const bus = createBus<Events>({ history, scheduler: new VirtualScheduler() });
          // Payloads are the ids: only 'tick' events are published.
          const tick = (): void => bus.publish('tick', bus.stats().published + 1);
          for (let i = 0; i < before; i++) tick();
          const cursor: number = bus.cursor();
          for (let i = 0; i < between; i++) tick();
          const offered: number[] = [];
          let outcome: { value: BusEvent } | { error: unknown; published: number } | undefined;
          bus.waitFor$('tick', (n) => {
            offered.push(n);
            for (let i = nested[offered.length - 1] ?? 0; i > 0; i--) tick();
            return n === target;
          }, { since: cursor as Cursor, timeout: 0 }).subscribe({
            next: (value) => (outcome = { value }),
            error: (error: unknown) => (outcome ??= { error, published: bus.stats().published }),
          });
          for (let i = 0; i < live; i++) tick();

          // Offered in id order from the cursor on, none twice, none skipped.
          expect(offered).toEqual(offered.map((_, i) => cursor + 1 + i));
          const last = bus.stats().published;
          if (outcome === undefined) {
            expect(offered.at(-1) ?? cursor).toBe(last); // pending: it has seen everything so far
            expect(bus.stats().waiters).toBe(1);
          } else if ('value' in outcome) {
            // (A matcher that publishes during a live offer is offered that
            // newer event before it returns: `target` need not be the last.)
            expect(outcome.value.id).toBe(target);
            expect(offered).toContain(target);
          } else {
            const error = outcome.error as HistoryGapError;
            expect(error).toBeInstanceOf(HistoryGapError);
            const first = cursor + offered.length + 1; // the first event it never saw
            const oldestKept = outcome.published - history + 1;
            expect(first).toBeLessThan(oldestKept); // really gone when it gave up
            expect(error.cursor).toBe(cursor);
            expect(error.lost).toBe(Math.min(oldestKept, outcome.published + 1) - first);
            expect(error.oldest).toBe(history === 0 ? undefined : oldestKept);
          }
          if (outcome !== undefined) expect(bus.stats().waiters).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('CursorBook', () => {
  it('remembers the cursors it handed out, the newest history + 1 of them', () => {
    const book = new CursorBook(2);
    for (const id of [0, 1, 1, 1, 4, 6]) expect(book.issue(id)).toBe(id);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((id) => book.issued(id))).toEqual([false, true, false, false, true, false, true, false]);
  });

  it('keeps the one newest cursor with history: 0', () => {
    const book = new CursorBook(0);
    book.issue(3);
    book.issue(5);
    expect([book.issued(3), book.issued(5)]).toEqual([false, true]);
  });
});
