// @vitest-environment jsdom
import './testbed.js';
import { component, CountingDestroyRef, injectorWith, NOTHING_PENDING, type Events } from './testbed.js';
import { inject, Injector, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { BusClosedError, WaitTimeoutError, type Bus } from 'rxbus';
import { BUS, DestroyedError, NoInjectionContextError, provideBus, waitForBus } from 'rxbus/angular';
import { expectNoLeaks, leakGuard, pendingWorkOf, VirtualScheduler } from 'rxbus/testing';
import 'rxbus/testing/vitest';
import { flush, observe } from '../support/async.js';

function setup(scheduler = new VirtualScheduler()): Bus<Events> {
  TestBed.configureTestingModule({
    providers: [provideZonelessChangeDetection(), provideBus<Events>({ scheduler, defaultTimeout: 1000 })],
  });
  return TestBed.inject(BUS) as Bus<Events>;
}

/** A component that waits for its order's confirmation from a click handler (not an injection context). */
const Checkout = component(
  'x-checkout',
  '',
  class {
    readonly injector = inject(Injector); // the component's own: its DestroyRef is the component's
    confirm(id: string) {
      return waitForBus('order.confirmed', { id }, { injector: this.injector });
    }
  },
);

describe('waitForBus', () => {
  it('resolves with the first matching event, leaving nothing behind', async () => {
    const bus = setup();
    await expectNoLeaks(bus, async () => {
      const fixture = TestBed.createComponent(Checkout);
      const Confirm = component(
        'x-confirm',
        '',
        class {
          readonly confirmed = waitForBus('order.confirmed', ({ total }) => total > 10);
        },
      );
      const waiting = TestBed.createComponent(Confirm).componentInstance.confirmed;
      const mine = fixture.componentInstance.confirm('a');
      expect(bus.stats().waiters).toBe(2);
      bus.publish('order.confirmed', { id: 'b', total: 5 });
      bus.publish('order.confirmed', { id: 'a', total: 20 });
      await expect(mine).resolves.toMatchObject({ payload: { id: 'a', total: 20 }, id: 2 });
      await expect(waiting).resolves.toMatchObject({ payload: { id: 'a' } });
    });
  });

  it('rejects with DestroyedError (an AbortError) when its component is destroyed first, removing the waiter', async () => {
    const scheduler = new VirtualScheduler();
    const bus = setup(scheduler);
    using _guard = leakGuard(bus);
    const fixture = TestBed.createComponent(Checkout);
    const waiting = fixture.componentInstance.confirm('a');
    expect([bus.stats().waiters, scheduler.pending]).toEqual([1, 1]);
    fixture.destroy();
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DestroyedError);
    expect(error).toMatchObject({ name: 'AbortError', pattern: 'order.confirmed' });
    expect((error as Error).message).toBe(
      "waitForBus('order.confirmed') was abandoned: the component, directive or injector that started it was destroyed before a matching event arrived. " +
        "Nothing is left behind; catch it (err.name === 'AbortError') where an early destroy is expected.",
    );
    expect([bus.stats().waiters, scheduler.pending]).toEqual([0, 0]);
  });

  it('is aborted when the injector that provides the bus is destroyed with the component (app teardown)', async () => {
    const bus = setup();
    const waiting = observe(TestBed.createComponent(Checkout).componentInstance.confirm('a'));
    TestBed.resetTestingModule(); // destroys the component, then the environment injector (closing the bus)
    await flush();
    expect(waiting.status).toBe('rejected');
    expect(waiting.error).toBeInstanceOf(DestroyedError);
    expect(bus.closed).toBe(true);
    expect(pendingWorkOf(bus)).toEqual(NOTHING_PENDING);
  });

  it('rejects with BusClosedError when the bus closes first, and unregisters from the DestroyRef', async () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    const waiting = waitForBus('tick', undefined, { injector: injectorWith(destroyRef) });
    expect(destroyRef.callbacks.size).toBe(1);
    await bus.close();
    await expect(waiting).rejects.toBeInstanceOf(BusClosedError);
    expect(destroyRef.callbacks.size).toBe(0);
  });

  it('times out on the bus scheduler, and unregisters from the DestroyRef', async () => {
    const scheduler = new VirtualScheduler();
    const bus = setup(scheduler);
    const destroyRef = new CountingDestroyRef();
    const waiting = observe(waitForBus('order.confirmed', { id: 'z' }, { injector: injectorWith(destroyRef), timeout: 500 }));
    scheduler.advance(499);
    await flush();
    expect(waiting.status).toBe('pending');
    scheduler.advance(1);
    await flush();
    expect(waiting.error).toBeInstanceOf(WaitTimeoutError);
    expect((waiting.error as WaitTimeoutError).timeout).toBe(500);
    expect(destroyRef.callbacks.size).toBe(0);
    expect(bus).toHaveNoPendingWork();
  });

  it('rejects with signal.reason when the caller’s own signal aborts, and honours since', async () => {
    const bus = setup();
    const injector = injectorWith(new CountingDestroyRef());
    const controller = new AbortController();
    const aborted = waitForBus('tick', undefined, { injector, signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(aborted).rejects.toThrow('user left');
    const mark = bus.cursor();
    bus.publish('tick', 7);
    await expect(waitForBus('tick', 7, { injector, since: mark })).resolves.toMatchObject({ payload: 7 });
    expect(bus).toHaveNoPendingWork();
  });

  it('rejects at once, registering no waiter, for a DestroyRef already destroyed', async () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    destroyRef.destroy();
    const waiting = waitForBus('tick', undefined, { injector: injectorWith(destroyRef) });
    expect(bus.stats().waiters).toBe(0);
    await expect(waiting).rejects.toBeInstanceOf(DestroyedError);
  });

  it('rejects bad arguments as bus.waitFor does, registering nothing', async () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    const injector = injectorWith(destroyRef);
    await expect(waitForBus('' as never, undefined, { injector })).rejects.toBeInstanceOf(TypeError);
    await expect(waitForBus('tick', undefined, { injector, timeout: -1 })).rejects.toBeInstanceOf(RangeError);
    expect([destroyRef.callbacks.size, bus.stats().waiters]).toEqual([0, 0]);
  });

  it('throws NoInjectionContextError naming waitForBus without an injection context or injector', () => {
    setup();
    expect(() => waitForBus('tick')).toThrow(NoInjectionContextError);
    expect(() => waitForBus('tick')).toThrow(/^waitForBus\(\) was called outside an injection context and without an injector/);
  });
});
