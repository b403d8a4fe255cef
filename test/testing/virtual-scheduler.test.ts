import { interval, take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/testing/virtual-scheduler.js';

describe('VirtualScheduler', () => {
  it('runs actions only when time is advanced, at their due time', () => {
    const scheduler = new VirtualScheduler(100);
    const log: Array<[string, number]> = [];
    scheduler.schedule(() => log.push(['b', scheduler.now()]), 20);
    scheduler.schedule(() => log.push(['a', scheduler.now()]), 10);
    scheduler.schedule(() => log.push(['a2', scheduler.now()]), 10);
    expect(log).toEqual([]);
    scheduler.advance(15);
    expect(log).toEqual([
      ['a', 110],
      ['a2', 110],
    ]);
    expect(scheduler.now()).toBe(115);
    scheduler.advance(5);
    expect(log.at(-1)).toEqual(['b', 120]);
    expect(scheduler.pending).toBe(0);
  });

  it('drops cancelled actions at once', () => {
    const scheduler = new VirtualScheduler();
    const subs = Array.from({ length: 1000 }, (_, i) => scheduler.schedule(() => undefined, i + 1));
    expect(scheduler.pending).toBe(1000);
    for (const s of subs) s.unsubscribe();
    expect(scheduler.pending).toBe(0);
  });

  it('drives RxJS periodic timers', () => {
    const scheduler = new VirtualScheduler();
    const values: number[] = [];
    interval(10, scheduler)
      .pipe(take(3))
      .subscribe((v) => values.push(v));
    scheduler.advance(25);
    expect(values).toEqual([0, 1]);
    scheduler.runAll();
    expect(values).toEqual([0, 1, 2]);
    expect(scheduler.pending).toBe(0);
    expect(scheduler.now()).toBe(30);
  });

  it('stops runAll on an endless timer with a clear error', () => {
    const scheduler = new VirtualScheduler();
    const sub = interval(1, scheduler).subscribe();
    expect(() => scheduler.runAll(100)).toThrow(/periodic timer never cancelled/);
    sub.unsubscribe();
    expect(scheduler.pending).toBe(0);
  });

  it('tells when the next action is due, and nothing when none is', () => {
    const scheduler = new VirtualScheduler(100);
    expect(scheduler.nextDue).toBeUndefined();
    const late = scheduler.schedule(() => undefined, 50);
    scheduler.schedule(() => undefined, 20);
    expect(scheduler.nextDue).toBe(120);
    scheduler.advance(20);
    expect(scheduler.nextDue).toBe(150);
    late.unsubscribe();
    expect(scheduler.nextDue).toBeUndefined();
  });

  it('rejects a negative advance', () => {
    expect(() => new VirtualScheduler().advance(-1)).toThrow(RangeError);
  });

  it('runs a timer scheduled for now on the next advance(0)', () => {
    const scheduler = new VirtualScheduler();
    let fired = false;
    timer(0, scheduler).subscribe(() => (fired = true));
    expect(fired).toBe(false);
    scheduler.advance(0);
    expect(fired).toBe(true);
  });
});
