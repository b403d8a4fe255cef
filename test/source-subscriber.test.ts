import { Observable, Subject, Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { subscribeSource } from '../src/source-subscriber.js';
import { endlessSource } from './support/endless-source.js';

/** An observer that records what it is told. */
function recorder(log: unknown[]) {
  return {
    next: (v: unknown) => log.push(['next', v]),
    error: (e: unknown) => log.push(['error', e]),
    complete: () => log.push('complete'),
  };
}

describe('subscribeSource', () => {
  it('stops an endless synchronous source the moment the consumer ends, from inside its emission', () => {
    const consumer = new Subscription();
    const { source, pulled } = endlessSource();
    const seen: number[] = [];
    subscribeSource(source, consumer, {
      next: (v) => {
        seen.push(v);
        if (v === 2) consumer.unsubscribe();
      },
      error: () => undefined,
      complete: () => undefined,
    });
    expect(seen).toEqual([0, 1, 2]);
    expect(pulled()).toBe(3);
  });

  it('runs the source teardown and leaves the consumer open when the source completes', () => {
    const consumer = new Subscription();
    const log: unknown[] = [];
    let tornDown = 0;
    const source = new Observable<number>((s) => {
      s.next(1);
      s.complete();
      s.next(2);
      return () => tornDown++;
    });
    const inner = subscribeSource(source, consumer, recorder(log));
    expect(log).toEqual([['next', 1], 'complete']);
    expect(tornDown).toBe(1);
    expect(inner.closed).toBe(true);
    expect(consumer.closed).toBe(false);
  });

  it('tells the observer nothing after an error', () => {
    const log: unknown[] = [];
    const source = new Observable<number>((s) => {
      s.error('bad');
      s.next(1);
      s.complete();
    });
    subscribeSource(source, new Subscription(), recorder(log));
    expect(log).toEqual([['error', 'bad']]);
  });

  it('turns an error thrown by the observer into an error of the stream instead of throwing into the source', () => {
    const subject = new Subject<number>();
    const log: unknown[] = [];
    const boom = new Error('observer failed');
    subscribeSource(subject, new Subscription(), {
      next: () => {
        throw boom;
      },
      error: (e) => log.push(['error', e]),
      complete: () => log.push('complete'),
    });
    expect(() => subject.next(1)).not.toThrow();
    subject.next(2);
    expect(log).toEqual([['error', boom]]);
    expect(subject.observed).toBe(false);
  });

  it('unsubscribes from the source when the consumer is unsubscribed later', () => {
    const subject = new Subject<number>();
    const consumer = new Subscription();
    const log: unknown[] = [];
    subscribeSource(subject, consumer, recorder(log));
    subject.next(1);
    consumer.unsubscribe();
    subject.next(2);
    expect(log).toEqual([['next', 1]]);
    expect(subject.observed).toBe(false);
  });
});
