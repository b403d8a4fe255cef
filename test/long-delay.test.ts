import { describe, expect, it } from 'vitest';
import { MAX_TIMER_DELAY, scheduleAfter } from '../src/long-delay.js';
import { CountingScheduler, TIMER_LIMIT } from './support/counting-scheduler.js';

describe('scheduleAfter', () => {
  it('passes a delay up to 2^31−1 ms straight to the scheduler, as one timer', () => {
    const scheduler = new CountingScheduler();
    let fired = 0;
    scheduleAfter(scheduler, TIMER_LIMIT, () => fired++);
    expect(scheduler.delays).toEqual([TIMER_LIMIT]);
    scheduler.advance(TIMER_LIMIT - 1);
    expect(fired).toBe(0);
    scheduler.advance(1);
    expect(fired).toBe(1);
    expect(scheduler.pending).toBe(0);
  });

  it('fires a delay of 2^31 + 5 ms at that time and not before, arming no timer above 2^31−1 ms', () => {
    const scheduler = new CountingScheduler();
    let firedAt = -1;
    scheduleAfter(scheduler, 2 ** 31 + 5, () => (firedAt = scheduler.now()));
    scheduler.advance(2 ** 31 + 4);
    expect(firedAt).toBe(-1);
    scheduler.advance(1);
    expect(firedAt).toBe(2 ** 31 + 5);
    expect(scheduler.delays).toEqual([TIMER_LIMIT, 6]);
    expect(scheduler.pending).toBe(0);
  });

  it('waits 1e12 ms with ceil(1e12 / (2^31−1)) timers, each at most 2^31−1 ms', () => {
    const scheduler = new CountingScheduler();
    let firedAt = -1;
    const timer = scheduleAfter(scheduler, 1e12, () => (firedAt = scheduler.now()));
    scheduler.advance(1e12 - 1);
    expect(firedAt).toBe(-1);
    expect(timer.closed).toBe(false);
    scheduler.advance(1);
    expect(firedAt).toBe(1e12);
    expect(timer.closed).toBe(true);
    expect(scheduler.delays).toHaveLength(Math.ceil(1e12 / TIMER_LIMIT));
    expect(Math.max(...scheduler.delays)).toBe(TIMER_LIMIT);
    expect(scheduler.pending).toBe(0);
  });

  it('schedules nothing for Infinity and never fires', () => {
    const scheduler = new CountingScheduler();
    let fired = 0;
    const timer = scheduleAfter(scheduler, Infinity, () => fired++);
    expect(scheduler.delays).toEqual([]);
    scheduler.advance(1e15);
    expect(fired).toBe(0);
    expect(timer.closed).toBe(false);
    timer.unsubscribe();
    expect(timer.closed).toBe(true);
  });

  it('cancels the chunk in progress when unsubscribed, leaving no timer', () => {
    const scheduler = new CountingScheduler();
    let fired = 0;
    const timer = scheduleAfter(scheduler, 3 * TIMER_LIMIT, () => fired++);
    scheduler.advance(TIMER_LIMIT + 10);
    expect(scheduler.pending).toBe(1);
    timer.unsubscribe();
    expect(scheduler.pending).toBe(0);
    scheduler.advance(1e12);
    expect(fired).toBe(0);
    expect(scheduler.delays).toHaveLength(2);
  });

  it('exports the limit it chunks by', () => {
    expect(MAX_TIMER_DELAY).toBe(TIMER_LIMIT);
  });
});
