/**
 * event.time: exact under any scheduler of the bus's own and under virtual
 * clocks that replace the default one; under the real clock, one reading is
 * shared by at most 16 events of one synchronous run.
 */
import { asyncScheduler, VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBus, type BusEvent } from '../src/index.js';
import { SHARED_READING } from '../src/event-clock.js';
import { createTestScheduler } from './support/test-scheduler.js';

/** Busy-waits until the wall clock has moved past `time` (at most about a millisecond). */
function untilClockPasses(time: number): void {
  while (Date.now() <= time) {
    // spin: the test needs the real clock to move, not work to finish
  }
}

function recorder() {
  const bus = createBus({ history: 0 });
  const seen: BusEvent[] = [];
  bus.events$().subscribe((event) => seen.push(event));
  return { bus, seen, times: () => seen.map((event) => event.time) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('event.time with a scheduler of the bus’s own', () => {
  it('asks that scheduler for every event', () => {
    const virtual = new VirtualTimeScheduler();
    let reads = 0;
    const scheduler: SchedulerLike = {
      now: () => virtual.now() + ++reads,
      schedule: virtual.schedule.bind(virtual) as SchedulerLike['schedule'],
    };
    const bus = createBus({ scheduler, history: 0 });
    const times: number[] = [];
    bus.events$().subscribe((event) => times.push(event.time));
    for (let i = 0; i < 40; i++) bus.publish('tick');
    expect(times).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe('event.time with the default asyncScheduler', () => {
  it(`shares one Date.now() reading among at most ${SHARED_READING} events of one synchronous run`, () => {
    const { bus, times } = recorder();
    const before = Date.now();
    for (let i = 0; i < SHARED_READING + 1; i++) {
      bus.publish('tick');
      untilClockPasses(times().at(-1)!);
    }
    const [first] = times();
    expect(first).toBeGreaterThanOrEqual(before);
    expect(times().slice(0, SHARED_READING)).toEqual(new Array(SHARED_READING).fill(first));
    expect(times()[SHARED_READING]).toBeGreaterThan(first!);
    expect(times()[SHARED_READING]).toBeLessThanOrEqual(Date.now());
  });

  it('reads the clock again once a microtask checkpoint has passed', async () => {
    const { bus, times } = recorder();
    bus.publish('tick');
    untilClockPasses(times()[0]!);
    await Promise.resolve();
    bus.publish('tick');
    expect(times()[1]).toBeGreaterThan(times()[0]!);
  });

  it('after a reading nobody shared, reads the clock plainly for the next 16 events, then shares again', async () => {
    const { bus, times } = recorder();
    bus.publish('tick');
    await Promise.resolve(); // the reading expires unshared: events come one per microtask
    for (let i = 0; i < 2 * SHARED_READING; i++) {
      bus.publish('tick');
      untilClockPasses(times().at(-1)!);
    }
    const burst = times().slice(1);
    // Plain reads: every event its own time.
    expect(new Set(burst.slice(0, SHARED_READING)).size).toBe(SHARED_READING);
    // Then one reading for the next 16.
    expect(new Set(burst.slice(SHARED_READING)).size).toBe(1);
  });

  it('reads the fake clock for every event once fake timers are installed, even in the same synchronous run', () => {
    const { bus, times } = recorder();
    bus.publish('tick');
    vi.useFakeTimers({ now: 5_000 });
    bus.publish('tick');
    vi.setSystemTime(6_000);
    bus.publish('tick');
    expect(times().slice(1)).toEqual([5_000, 6_000]);
  });

  it('stamps events published by fake timers in one advanceTimersByTime with each timer’s own time', () => {
    vi.useFakeTimers({ now: 1_000 });
    const { bus, times } = recorder();
    setTimeout(() => bus.publish('tick'), 100);
    setTimeout(() => bus.publish('tick'), 250);
    vi.advanceTimersByTime(300);
    expect(times()).toEqual([1_100, 1_250]);
  });

  it('stamps virtual frames inside TestScheduler.run, after a real-time event of the same synchronous run', () => {
    const { bus, times } = recorder();
    bus.publish('tick');
    createTestScheduler().run(() => {
      bus.publish('tick');
      asyncScheduler.schedule(() => bus.publish('tick'), 5);
      asyncScheduler.schedule(() => bus.publish('tick'), 7);
    });
    expect(times().slice(1)).toEqual([0, 5, 7]);
    // And the real clock is back afterwards.
    bus.publish('tick');
    expect(times()[4]).toBeGreaterThanOrEqual(times()[0]!);
  });
});
