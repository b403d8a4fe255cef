// @vitest-environment jsdom
import './testbed.js';
import { component, CountingDestroyRef, injectorWith, type Events } from './testbed.js';
import { computed, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Bus, BusEvent } from 'rxbus';
import { BUS, busSignal, createBusToken, NoInjectionContextError, provideBus } from 'rxbus/angular';
import 'rxbus/testing/vitest';

function setup(): Bus<Events> {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideBus<Events>()] });
  return TestBed.inject(BUS) as Bus<Events>;
}

describe('busSignal', () => {
  it('renders the latest matching event through zoneless change detection', async () => {
    const bus = setup();
    const Last = component(
      'x-last',
      '@if (last(); as e) {{{ e.type }} {{ e.payload.id }} (#{{ e.id }})} @else {none} / {{ count() }}',
      class {
        readonly last = busSignal('order.*', { initial: null });
        readonly count = computed(() => (this.last() === null ? 0 : this.last()!.id));
      },
    );
    const fixture = TestBed.createComponent(Last);
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toBe('none / 0');
    bus.publish('order.placed', { id: 'a' });
    bus.publish('tick', 5);
    await fixture.whenStable(); // no detectChanges(): the signal write schedules the render
    expect(fixture.nativeElement.textContent).toBe('order.placed a (#1) / 1');
    bus.publish('order.confirmed', { id: 'a', total: 3 });
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toBe('order.confirmed a (#3) / 3');
  });

  it('is undefined until an event arrives when no initial value is given, and typed from the pattern', () => {
    const Orders = createBusToken<Events>('orders');
    TestBed.configureTestingModule({ providers: [provideBus({ token: Orders })] });
    const latest = TestBed.runInInjectionContext(() => busSignal('order.confirmed', { token: Orders }));
    expectTypeOf(latest()).toEqualTypeOf<BusEvent<'order.confirmed', { id: string; total: number }> | undefined>();
    expect(latest()).toBeUndefined();
    TestBed.inject(Orders).publish('order.confirmed', { id: 'x', total: 1 });
    expect(latest()).toMatchObject({ type: 'order.confirmed', payload: { id: 'x', total: 1 } });
  });

  it('unsubscribes when the component is destroyed and keeps its last value', () => {
    const bus = setup();
    const Last = component(
      'x-last',
      '',
      class {
        readonly tick = busSignal('tick', { initial: 0 as const });
      },
    );
    const fixture = TestBed.createComponent(Last);
    const tick = fixture.componentInstance.tick;
    bus.publish('tick', 1);
    expect(bus.stats().subscriptions).toBe(1);
    fixture.destroy();
    expect(bus.stats().subscriptions).toBe(0);
    bus.publish('tick', 2);
    expect(tick()).toMatchObject({ payload: 1 });
    expect(bus).toHaveNoPendingWork();
  });

  it('unregisters from the DestroyRef when the bus closes first', async () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    busSignal('tick', { injector: injectorWith(destroyRef) });
    expect(destroyRef.callbacks.size).toBe(1);
    await bus.close();
    expect(destroyRef.callbacks.size).toBe(0);
  });

  it('subscribes nothing for a DestroyRef already destroyed and stays at its initial value', () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    destroyRef.destroy();
    const tick = busSignal('tick', { injector: injectorWith(destroyRef), initial: 'none' });
    bus.publish('tick', 1);
    expect([tick(), bus.stats().subscriptions]).toEqual(['none', 0]);
  });

  it('throws NoInjectionContextError naming busSignal without an injection context', () => {
    setup();
    expect(() => busSignal('tick')).toThrow(NoInjectionContextError);
    expect(() => busSignal('tick')).toThrow(/^busSignal\(\) was called outside an injection context/);
  });
});
