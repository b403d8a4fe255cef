// @vitest-environment jsdom
import './testbed.js';
import { component, CountingDestroyRef, injectorWith, type Events } from './testbed.js';
import { DestroyRef, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import type { Bus, BusEvent } from 'rxbus';
import { BUS, busEvents, NoInjectionContextError, provideBus } from 'rxbus/angular';
import 'rxbus/testing/vitest';

function setup(): Bus<Events> {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideBus<Events>()] });
  return TestBed.inject(BUS) as Bus<Events>;
}

describe('busEvents', () => {
  it('streams matching events and completes when the component is destroyed', () => {
    const bus = setup();
    const Feed = component(
      'x-feed',
      '',
      class {
        readonly orders$ = busEvents('order.*');
      },
    );
    const fixture = TestBed.createComponent(Feed);
    const seen: string[] = [];
    let completed = 0;
    fixture.componentInstance.orders$.subscribe({
      next: (e) => void seen.push(`${e.type}:${e.payload.id}`),
      complete: () => void completed++,
    });
    bus.publish('order.placed', { id: 'a' });
    bus.publish('tick', 1);
    bus.publish('order.confirmed', { id: 'a', total: 2 });
    expect(seen).toEqual(['order.placed:a', 'order.confirmed:a']);
    expect(bus.stats().subscriptions).toBe(1);
    fixture.destroy();
    expect(completed).toBe(1);
    expect(bus.stats().subscriptions).toBe(0);
    expect(bus).toHaveNoPendingWork();
  });

  it('is cold: registers with the DestroyRef per subscription, and unregisters on unsubscribe', () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    const ticks$ = busEvents('tick', { injector: injectorWith(destroyRef) });
    expect(destroyRef.callbacks.size).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
    const first = ticks$.subscribe();
    const second = ticks$.subscribe();
    expect(destroyRef.callbacks.size).toBe(2);
    expect(bus.stats().subscriptions).toBe(2);
    first.unsubscribe();
    second.unsubscribe();
    expect(destroyRef.callbacks.size).toBe(0);
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('completes when the bus closes, and unregisters from the DestroyRef', async () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    let completed = 0;
    busEvents('tick', { injector: injectorWith(destroyRef) }).subscribe({ complete: () => void completed++ });
    await bus.close();
    expect(completed).toBe(1);
    expect(destroyRef.callbacks.size).toBe(0);
  });

  it('completes at once for a DestroyRef already destroyed, subscribing nothing', () => {
    const bus = setup();
    const destroyRef = new CountingDestroyRef();
    destroyRef.destroy();
    const seen: BusEvent[] = [];
    let completed = 0;
    busEvents('tick', { injector: injectorWith(destroyRef) }).subscribe({
      next: (e) => void seen.push(e),
      complete: () => void completed++,
    });
    bus.publish('tick', 1);
    expect([seen, completed, bus.stats().subscriptions]).toEqual([[], 1, 0]);
  });

  it('treats a DestroyRef whose onDestroy throws (a destroyed view without `destroyed`) as destroyed', () => {
    const bus = setup();
    const destroyRef = new (class extends DestroyRef {
      override get destroyed(): boolean {
        return undefined as never;
      }
      override onDestroy(): () => void {
        throw new Error('NG0911: View has already been destroyed.');
      }
    })();
    let completed = 0;
    busEvents('tick', { injector: injectorWith(destroyRef) }).subscribe({ complete: () => void completed++ });
    expect([completed, bus.stats().subscriptions]).toEqual([1, 0]);
  });

  it('throws NoInjectionContextError naming busEvents without an injection context, and TypeError for a bad pattern', () => {
    setup();
    expect(() => busEvents('tick')).toThrow(NoInjectionContextError);
    expect(() => busEvents('tick')).toThrow(/^busEvents\(\) was called outside an injection context/);
    expect(() => TestBed.runInInjectionContext(() => busEvents('' as never))).toThrow(TypeError);
  });
});
