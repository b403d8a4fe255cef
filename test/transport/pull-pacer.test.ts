import { describe, expect, it } from 'vitest';
import { createTestBus } from '../../src/testing/index.js';
import { BridgeCounters } from '../../src/transport/bridge-counters.js';
import { transportPort } from '../../src/transport/port.js';
import { PullPacer } from '../../src/transport/pull-pacer.js';

describe('PullPacer', () => {
  it('asks for no more than the batch, maxInFlight and the bus room allow', () => {
    const bus = createTestBus({ concurrency: 2, capacity: 3 });
    const counters = new BridgeCounters();
    expect(new PullPacer(transportPort(bus), counters, 100, 256).room()).toBe(5);
    expect(new PullPacer(transportPort(bus), counters, 100, 4).room()).toBe(4);
    counters.inFlight = 2;
    expect(new PullPacer(transportPort(bus), counters, 4, 256).room()).toBe(2);
  });

  it('asks for nothing while less room is free than its own deliveries hold (no one-message reads)', () => {
    const bus = createTestBus({ concurrency: 1, capacity: 99 });
    const counters = new BridgeCounters();
    const pacer = new PullPacer(transportPort(bus), counters, 100, 256);
    counters.inFlight = 60;
    expect(pacer.room()).toBe(0); // 40 free < 60 held
    counters.inFlight = 50;
    expect(pacer.room()).toBe(50);
  });

  it('wakes a waiting reader when nudged, and leaves no timer behind', async () => {
    const bus = createTestBus();
    const pacer = new PullPacer(transportPort(bus), new BridgeCounters(), 10, 10);
    let woke = false;
    const waiting = pacer.waitForRoom().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    pacer.nudge();
    await waiting;
    expect(woke).toBe(true);
    expect(bus.scheduler.pending).toBe(0);
  });

  it('wakes a waiting reader after 50 ms of virtual time when nothing settles', async () => {
    const bus = createTestBus();
    const pacer = new PullPacer(transportPort(bus), new BridgeCounters(), 10, 10);
    let woke = false;
    void pacer.waitForRoom().then(() => (woke = true));
    await bus.advanceAsync(49);
    expect(woke).toBe(false);
    await bus.advanceAsync(1);
    expect(woke).toBe(true);
    let paused = false;
    void pacer.pause(1000).then(() => (paused = true));
    await bus.advanceAsync(999);
    expect(paused).toBe(false);
    await bus.advanceAsync(1);
    expect(paused).toBe(true);
  });
});
