import { describe, expect, it } from 'vitest';
import { DeadlineQueue, deadlinesOf, type DeadlineTarget } from '../src/deadlines.js';
import { VirtualScheduler } from '../src/testing/virtual-scheduler.js';
import { CountingScheduler, TIMER_LIMIT } from './support/counting-scheduler.js';

function target(log: string[], name: string): DeadlineTarget {
  return { rank: 0, seq: 0, slot: -1, onDeadline: () => log.push(name) };
}

describe('DeadlineQueue', () => {
  it('fires each deadline at its time, in time order then insertion order, on one timer', () => {
    const scheduler = new VirtualScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    queue.add(target(log, 'c'), 300);
    queue.add(target(log, 'a'), 100);
    queue.add(target(log, 'b1'), 200);
    queue.add(target(log, 'b2'), 200);
    expect(scheduler.pending).toBe(1);
    scheduler.advance(99);
    expect(log).toEqual([]);
    scheduler.advance(1);
    expect(log).toEqual(['a']);
    scheduler.advance(100);
    expect(log).toEqual(['a', 'b1', 'b2']);
    scheduler.advance(100);
    expect(log).toEqual(['a', 'b1', 'b2', 'c']);
    expect(queue.size).toBe(0);
    expect(scheduler.pending).toBe(0);
  });

  it('cancels the timer when the last deadline is removed', () => {
    const scheduler = new VirtualScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    const a = target(log, 'a');
    const b = target(log, 'b');
    queue.add(a, 100);
    queue.add(b, 200);
    queue.remove(a);
    expect(scheduler.pending).toBe(1);
    queue.remove(b);
    queue.remove(b);
    expect(scheduler.pending).toBe(0);
    scheduler.advance(1000);
    expect(log).toEqual([]);
  });

  it('re-arms for an earlier deadline added later', () => {
    const scheduler = new VirtualScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    queue.add(target(log, 'late'), 1000);
    queue.add(target(log, 'early'), 10);
    expect(scheduler.pending).toBe(1);
    scheduler.advance(10);
    expect(log).toEqual(['early']);
    scheduler.advance(990);
    expect(log).toEqual(['early', 'late']);
  });

  it('handles deadlines added and removed from inside onDeadline', () => {
    const scheduler = new VirtualScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    const victim = target(log, 'victim');
    queue.add(
      {
        rank: 0,
        seq: 0,
        slot: -1,
        onDeadline: () => {
          log.push('first');
          queue.remove(victim);
          queue.add(target(log, 'added'), 5);
        },
      },
      10,
    );
    queue.add(victim, 12);
    scheduler.advance(12);
    expect(log).toEqual(['first']);
    scheduler.advance(3);
    expect(log).toEqual(['first', 'added']);
    expect(scheduler.pending).toBe(0);
  });

  it('shares one queue per scheduler', () => {
    const scheduler = new VirtualScheduler();
    expect(deadlinesOf(scheduler)).toBe(deadlinesOf(scheduler));
    expect(deadlinesOf(scheduler)).not.toBe(deadlinesOf(new VirtualScheduler()));
  });
});

describe('DeadlineQueue with long deadlines', () => {
  it('fires a 2^31 + 5 ms deadline at that time, not before, with no timer above 2^31−1 ms', () => {
    const scheduler = new CountingScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    queue.add(target(log, 'long'), 2 ** 31 + 5);
    scheduler.advance(2 ** 31 + 4);
    expect(log).toEqual([]);
    scheduler.advance(1);
    expect(log).toEqual(['long']);
    expect(Math.max(...scheduler.delays)).toBeLessThanOrEqual(TIMER_LIMIT);
    expect(scheduler.delays).toHaveLength(2);
    expect(scheduler.pending).toBe(0);
  });

  it('fires a 1e12 ms deadline at 1e12 with ceil(1e12 / (2^31−1)) timers', () => {
    const scheduler = new CountingScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    queue.add(target(log, 'year'), 1e12);
    scheduler.advance(1e12 - 1);
    expect(log).toEqual([]);
    expect(queue.size).toBe(1);
    scheduler.advance(1);
    expect(log).toEqual(['year']);
    expect(scheduler.delays).toHaveLength(Math.ceil(1e12 / TIMER_LIMIT));
    expect(Math.max(...scheduler.delays)).toBe(TIMER_LIMIT);
  });

  it('re-arms for a short deadline added while a long one is pending, then goes back to the long one', () => {
    const scheduler = new CountingScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    queue.add(target(log, 'long'), 5 * TIMER_LIMIT);
    scheduler.advance(1000);
    queue.add(target(log, 'short'), 50);
    expect(scheduler.pending).toBe(1);
    scheduler.advance(50);
    expect(log).toEqual(['short']);
    scheduler.advance(5 * TIMER_LIMIT - 1051);
    expect(log).toEqual(['short']);
    scheduler.advance(1);
    expect(log).toEqual(['short', 'long']);
    expect(Math.max(...scheduler.delays)).toBeLessThanOrEqual(TIMER_LIMIT);
    expect(scheduler.pending).toBe(0);
  });

  it('never fires and schedules nothing for an Infinity deadline', () => {
    const scheduler = new CountingScheduler();
    const queue = new DeadlineQueue(scheduler);
    const log: string[] = [];
    const never = target(log, 'never');
    queue.add(never, Infinity);
    expect(queue.size).toBe(0);
    expect(scheduler.delays).toEqual([]);
    scheduler.advance(1e15);
    queue.remove(never);
    expect(log).toEqual([]);
  });

  it('cancels the chunked timer when a long deadline is removed', () => {
    const scheduler = new CountingScheduler();
    const queue = new DeadlineQueue(scheduler);
    const long = target([], 'long');
    queue.add(long, 1e12);
    scheduler.advance(3 * TIMER_LIMIT);
    queue.remove(long);
    expect(scheduler.pending).toBe(0);
  });
});
