import { finalize, from, map, mergeMap, NEVER, Observable, of, Subject, take, tap, timer } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { boundedMerge, type BoundedMergeDropReason, type BoundedMergeOverflow } from '../../operators/bounded-merge.js';
import { BufferFullError, QueueFullError } from '../../src/errors.js';
import type { OverflowPolicy } from '../../src/index.js';
import { endlessSource } from '../support/endless-source.js';
import { createTestScheduler, useTestScheduler } from '../support/test-scheduler.js';

/** Inner observables completed by hand (`jobs.get(v)!.complete()`), recording which values started. */
function manualJobs(): { jobs: Map<number, Subject<number>>; started: number[]; project: (v: number) => Observable<number> } {
  const jobs = new Map<number, Subject<number>>();
  const started: number[] = [];
  const project = (v: number): Observable<number> => {
    started.push(v);
    const job = new Subject<number>();
    jobs.set(v, job);
    return job;
  };
  return { jobs, started, project };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('boundedMerge', () => {
  const testScheduler = useTestScheduler();

  describe('merging', () => {
    it('runs at most `concurrency` inner observables and starts waiting values as slots free up', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(abc)|');
        const inner = cold('---x|');
        expectObservable(source.pipe(boundedMerge(() => inner, { concurrency: 2, capacity: 10 }))).toBe('---(xx)x|');
        expectSubscriptions(source.subscriptions).toBe('^----!');
        expectSubscriptions(inner.subscriptions).toBe(['^---!', '^---!', '----^---!']);
      });
    });

    it('emits what mergeMap(project, concurrency) emits, frame by frame, while the buffer has room', () => {
      const record = (op: 'mergeMap' | 'boundedMerge'): Array<[number, string]> => {
        const out: Array<[number, string]> = [];
        const scheduler = createTestScheduler();
        scheduler.run(({ hot, cold }) => {
          const source = hot('-a-b-c-d-e-f-g-|');
          const inner = cold('--x-y----|');
          const project = (v: string) => inner.pipe(map((i) => `${v}${i}`));
          const merged =
            op === 'mergeMap' ? source.pipe(mergeMap(project, 2)) : source.pipe(boundedMerge(project, { concurrency: 2, capacity: 100 }));
          merged.subscribe({ next: (v) => out.push([scheduler.now(), v]), complete: () => out.push([scheduler.now(), '|']) });
        });
        return out;
      };
      const expected = record('mergeMap');
      expect(expected).toHaveLength(15);
      expect(record('boundedMerge')).toEqual(expected);
    });

    it('passes (value, index) to project, counting the values it projected', () => {
      const seen: Array<[string, number]> = [];
      testScheduler().run(({ cold, expectObservable }) => {
        const source = cold('(abc)|');
        const result = source.pipe(
          boundedMerge(
            (v, i) => {
              seen.push([v, i]);
              return of(v);
            },
            { concurrency: 1, capacity: 0, overflow: 'drop-newest' },
          ),
        );
        expectObservable(result).toBe('(abc)|');
      });
      expect(seen).toEqual([
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ]);
    });

    it('accepts any ObservableInput from project (arrays, iterables, promises)', async () => {
      const arrays: number[] = [];
      of(1, 2)
        .pipe(boundedMerge((v) => [v, v * 10], { concurrency: 1 }))
        .subscribe((v) => arrays.push(v));
      expect(arrays).toEqual([1, 10, 2, 20]);
      const promised: number[] = [];
      await new Promise<void>((resolve) =>
        from([1, 2, 3])
          .pipe(boundedMerge((v) => Promise.resolve(v * 2), { concurrency: 2 }))
          .subscribe({ next: (v) => promised.push(v), complete: resolve }),
      );
      expect(promised.sort()).toEqual([2, 4, 6]);
    });

    it('completes only once the source completed and every buffered value has run', () => {
      const { jobs, started, project } = manualJobs();
      const source = new Subject<number>();
      let completed = false;
      source.pipe(boundedMerge(project, { concurrency: 1, capacity: 5 })).subscribe({ complete: () => (completed = true) });
      source.next(1);
      source.next(2);
      source.complete();
      expect(completed).toBe(false);
      jobs.get(1)!.complete();
      expect(started).toEqual([1, 2]);
      expect(completed).toBe(false);
      jobs.get(2)!.complete();
      expect(completed).toBe(true);
    });

    it('uses the createBus defaults: concurrency 16, capacity 1024, overflow error', () => {
      const { started, project } = manualJobs();
      const source = new Subject<number>();
      const errors: unknown[] = [];
      source.pipe(boundedMerge(project)).subscribe({ error: (e: unknown) => errors.push(e) });
      for (const v of range(1, 16 + 1024)) source.next(v);
      expect(started).toHaveLength(16);
      expect(errors).toEqual([]);
      source.next(0);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(BufferFullError);
    });

    it('drains a large backlog of synchronous inner observables without growing the stack', () => {
      const first = new Subject<number>();
      const source = new Subject<number>();
      const out: number[] = [];
      let completed = false;
      source
        .pipe(boundedMerge((v) => (v === 0 ? first : of(v)), { concurrency: 1, capacity: 200_000 }))
        .subscribe({ next: (v) => out.push(v), complete: () => (completed = true) });
      source.next(0);
      for (let v = 1; v <= 100_000; v++) source.next(v);
      source.complete();
      expect(out).toHaveLength(0);
      first.complete(); // now 100 000 buffered values each start and complete synchronously
      expect(out).toHaveLength(100_000);
      expect(out[99_999]).toBe(100_000);
      expect(completed).toBe(true);
    });
  });

  describe('overflow', () => {
    const run = (overflow: BoundedMergeOverflow) => {
      const { jobs, started, project } = manualJobs();
      const dropped: Array<[number, BoundedMergeDropReason]> = [];
      const errors: unknown[] = [];
      const source = new Subject<number>();
      source
        .pipe(boundedMerge(project, { concurrency: 2, capacity: 3, overflow, onDrop: (v, reason) => dropped.push([v, reason]) }))
        .subscribe({ error: (e: unknown) => errors.push(e) });
      for (const v of range(1, 10)) source.next(v);
      return { jobs, started, dropped, errors, source };
    };

    it("'drop-newest' drops every value that arrives with all slots busy and the buffer full", () => {
      const { jobs, started, dropped, errors } = run('drop-newest');
      expect(started).toEqual([1, 2]);
      expect(dropped).toEqual(range(6, 10).map((v) => [v, 'drop-newest']));
      expect(errors).toEqual([]);
      jobs.get(1)!.complete();
      jobs.get(2)!.complete();
      jobs.get(3)!.complete();
      expect(started).toEqual([1, 2, 3, 4, 5]);
    });

    it("'drop-oldest' evicts the oldest buffered value for each newcomer", () => {
      const { jobs, started, dropped, errors } = run('drop-oldest');
      expect(started).toEqual([1, 2]);
      expect(dropped).toEqual(range(3, 7).map((v) => [v, 'drop-oldest']));
      expect(errors).toEqual([]);
      jobs.get(1)!.complete();
      jobs.get(2)!.complete();
      jobs.get(8)!.complete();
      expect(started).toEqual([1, 2, 8, 9, 10]);
    });

    it("'error' errors the output with a BufferFullError (a QueueFullError) and stops everything", () => {
      const { jobs, started, dropped, errors, source } = run('error');
      expect(started).toEqual([1, 2]);
      expect(dropped).toEqual([]);
      expect(errors).toHaveLength(1);
      const err = errors[0] as BufferFullError;
      expect(err).toBeInstanceOf(BufferFullError);
      expect(err).toBeInstanceOf(QueueFullError);
      expect(err.name).toBe('BufferFullError');
      expect([err.operator, err.type, err.capacity, err.concurrency]).toEqual(['boundedMerge', 'boundedMerge', 3, 2]);
      expect(err.message).toMatch(/boundedMerge buffer is full: 2 inner subscription\(s\) running and 3 value\(s\) waiting/);
      expect(source.observed).toBe(false);
      expect(jobs.get(1)!.observed).toBe(false);
      expect(jobs.get(2)!.observed).toBe(false);
    });

    it("'error' in marbles: errors at the overflowing value and unsubscribes the source and the running inner", () => {
      testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-b-c-d-|');
        const inner = cold('------x|');
        expectObservable(source.pipe(boundedMerge(() => inner, { concurrency: 1, capacity: 1, overflow: 'error' }))).toBe(
          '-----#',
          undefined,
          expect.any(BufferFullError),
        );
        expectSubscriptions(source.subscriptions).toBe('^----!');
        expectSubscriptions(inner.subscriptions).toBe('-^---!');
      });
    });

    it("'drop-newest' and 'drop-oldest' in marbles: which value runs next", () => {
      testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-b-c-d-|');
        const inner = cold('------x|');
        const project = (v: string) => inner.pipe(map(() => v));
        expectObservable(source.pipe(boundedMerge(project, { concurrency: 1, capacity: 1, overflow: 'drop-newest' }))).toBe(
          '-------a------b|',
        );
        expectObservable(source.pipe(boundedMerge(project, { concurrency: 1, capacity: 1, overflow: 'drop-oldest' }))).toBe(
          '-------a------d|',
        );
        expectSubscriptions(inner.subscriptions).toBe(['-^------!', '-^------!', '--------^------!', '--------^------!']);
      });
    });

    it('with capacity 0, overflows as soon as every slot is busy (drop-oldest then drops the newcomer)', () => {
      const { started, project } = manualJobs();
      const dropped: Array<[number, BoundedMergeDropReason]> = [];
      const source = new Subject<number>();
      source
        .pipe(boundedMerge(project, { concurrency: 1, capacity: 0, overflow: 'drop-oldest', onDrop: (v, r) => dropped.push([v, r]) }))
        .subscribe();
      source.next(1);
      source.next(2);
      expect(started).toEqual([1]);
      expect(dropped).toEqual([[2, 'drop-oldest']]);
    });

    it('errors the output when onDrop throws', () => {
      const boom = new Error('onDrop failed');
      const { project } = manualJobs();
      const source = new Subject<number>();
      const errors: unknown[] = [];
      source
        .pipe(
          boundedMerge(project, {
            concurrency: 1,
            capacity: 0,
            overflow: 'drop-newest',
            onDrop: () => {
              throw boom;
            },
          }),
        )
        .subscribe({ error: (e: unknown) => errors.push(e) });
      source.next(1);
      source.next(2);
      expect(errors).toEqual([boom]);
      expect(source.observed).toBe(false);
    });
  });

  describe('bounds', () => {
    for (const overflow of ['drop-newest', 'drop-oldest'] as const) {
      it(`never runs more than concurrency nor buffers more than capacity (${overflow})`, () => {
        const concurrency = 3;
        const capacity = 5;
        let received = 0;
        let running = 0;
        let startedCount = 0;
        let droppedCount = 0;
        let mostRunning = 0;
        let mostBuffered = 0;
        const check = (): void => {
          mostRunning = Math.max(mostRunning, running);
          mostBuffered = Math.max(mostBuffered, received - startedCount - droppedCount);
        };
        // A fixed pseudo-random pattern: bursts of values, jobs of uneven length.
        let seed = 7;
        const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
        const arrivals = Array.from({ length: 400 }, () => Math.floor(next() * 4));
        const durations = Array.from({ length: 400 }, () => 1 + Math.floor(next() * 12));
        let completed = false;
        testScheduler().run(() => {
          const source = new Observable<number>((subscriber) => {
            let frame = 0;
            arrivals.forEach((gap, v) => {
              frame += gap;
              testScheduler().schedule(() => {
                subscriber.next(v);
                check(); // after boundedMerge has started, buffered or dropped it
              }, frame);
            });
            testScheduler().schedule(() => subscriber.complete(), frame + 1);
          });
          source
            .pipe(
              tap(() => received++),
              boundedMerge(
                (v) => {
                  startedCount++;
                  running++;
                  check();
                  return timer(durations[v]!).pipe(finalize(() => running--));
                },
                {
                  concurrency,
                  capacity,
                  overflow,
                  onDrop: () => {
                    droppedCount++;
                    check();
                  },
                },
              ),
            )
            .subscribe({
              next: () => check(),
              complete: () => (completed = true),
            });
        });
        expect(completed).toBe(true);
        expect(received).toBe(400);
        expect(startedCount + droppedCount).toBe(400);
        // The limits were reached (so the test means something), never passed.
        expect(mostRunning).toBe(concurrency);
        expect(mostBuffered).toBe(capacity);
        expect(droppedCount).toBeGreaterThan(0);
      });
    }
  });

  describe('errors and unsubscription', () => {
    it('errors when project throws, and unsubscribes the running inner observables', () => {
      const boom = new Error('project failed');
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-|');
        const inner = cold('-----x|');
        const result = source.pipe(
          boundedMerge(
            (v) => {
              if (v === 'b') throw boom;
              return inner;
            },
            { concurrency: 2 },
          ),
        );
        expectObservable(result).toBe('--#', undefined, boom);
        expectSubscriptions(inner.subscriptions).toBe('^-!');
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    });

    it('errors when an inner observable errors, and unsubscribes the others', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(ab)|');
        const slow = cold('------x|');
        const failing = cold('--#');
        const result = source.pipe(boundedMerge((v) => (v === 'a' ? slow : failing), { concurrency: 2 }));
        expectObservable(result).toBe('--#');
        expectSubscriptions(slow.subscriptions).toBe('^-!');
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    });

    it('passes a source error through at once', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('(ab)-#');
        const inner = cold('------x|');
        expectObservable(source.pipe(boundedMerge(() => inner, { concurrency: 1 }))).toBe('-----#');
        expectSubscriptions(inner.subscriptions).toBe('^----!');
      });
    });

    it('unsubscribes every inner observable and empties the buffer when unsubscribed', () => {
      const { jobs, started, project } = manualJobs();
      const source = new Subject<number>();
      const sub = source.pipe(boundedMerge(project, { concurrency: 2, capacity: 10 })).subscribe();
      for (const v of range(1, 6)) source.next(v);
      sub.unsubscribe();
      expect(source.observed).toBe(false);
      expect([...jobs.values()].some((job) => job.observed)).toBe(false);
      // Completing a job after unsubscribe starts nothing from the (emptied) buffer.
      jobs.get(1)!.complete();
      expect(started).toEqual([1, 2]);
    });

    it('does not project values a synchronous source emits after the output errored', () => {
      let projected = 0;
      const errors: unknown[] = [];
      from(range(1, 1000))
        .pipe(
          boundedMerge(
            () => {
              projected++;
              return new Subject<never>();
            },
            { concurrency: 1, capacity: 1, overflow: 'error' },
          ),
        )
        .subscribe({ error: (e: unknown) => errors.push(e) });
      expect(errors).toHaveLength(1);
      expect(projected).toBe(1);
    });
  });

  describe('synchronous sources', () => {
    it('stops an endless synchronous source when the consumer has taken enough', () => {
      const { source, pulled } = endlessSource();
      const values: number[] = [];
      source
        .pipe(
          boundedMerge((v) => of(v)),
          take(3),
        )
        .subscribe((v) => values.push(v));
      expect(values).toEqual([0, 1, 2]);
      expect(pulled()).toBe(3);
    });

    it('stops an endless synchronous source when the output errors with BufferFullError', () => {
      const { source, pulled } = endlessSource();
      const errors: unknown[] = [];
      source.pipe(boundedMerge(() => NEVER, { concurrency: 1, capacity: 1 })).subscribe({ error: (e: unknown) => errors.push(e) });
      expect(errors).toEqual([expect.any(BufferFullError)]);
      expect(pulled()).toBe(3);
    });

    it('stops an endless synchronous inner observable when the consumer has taken enough', () => {
      const inner = endlessSource();
      const values: number[] = [];
      of('x')
        .pipe(
          boundedMerge(() => inner.source),
          take(2),
        )
        .subscribe((v) => values.push(v));
      expect(values).toEqual([0, 1]);
      expect(inner.pulled()).toBe(2);
    });
  });

  it('rejects invalid arguments when called', () => {
    const project = (v: number) => of(v);
    expect(() => boundedMerge('x' as never)).toThrow(/'project'/);
    expect(() => boundedMerge(project, { concurrency: 0 })).toThrow(/'concurrency'/);
    expect(() => boundedMerge(project, { concurrency: 1.5 })).toThrow(RangeError);
    expect(() => boundedMerge(project, { capacity: -1 })).toThrow(/'capacity'/);
    expect(() => boundedMerge(project, { overflow: 'drop' as never })).toThrow(/'overflow'/);
    expect(() => boundedMerge(project, { onDrop: 'log' as never })).toThrow(/'onDrop'/);
    expect(() => boundedMerge(project, { concurrency: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});

describe('BoundedMergeOverflow', () => {
  it('is the same vocabulary as the bus overflow option', () => {
    expectTypeOf<BoundedMergeOverflow>().toEqualTypeOf<OverflowPolicy>();
  });
});
