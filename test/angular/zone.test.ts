// @vitest-environment jsdom
// The same helpers in an app that still runs zone.js: change detection is
// driven by the zone (fixture.autoDetectChanges), not by signal notifications alone.
import 'zone.js';
import './testbed.js';
import { component, NOTHING_PENDING, type Events } from './testbed.js';
import { inject, Injector, NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import type { Bus } from 'rxbus';
import { BUS, busSignal, DestroyedError, onBusEvent, provideBus, waitForBus } from 'rxbus/angular';
import { pendingWorkOf } from 'rxbus/testing';

describe('rxbus/angular with zone.js', () => {
  it('renders busSignal, runs onBusEvent jobs in the Angular zone and waits with waitForBus', async () => {
    TestBed.configureTestingModule({ providers: [provideZoneChangeDetection({ eventCoalescing: true }), provideBus<Events>()] });
    const bus = TestBed.inject(BUS) as Bus<Events>;
    const zone = TestBed.inject(NgZone);
    const inZone: boolean[] = [];
    const Orders = component(
      'x-orders',
      '<button (click)="place()">place</button> {{ last()?.type ?? "none" }} {{ status }}',
      class {
        readonly last = busSignal('order.*');
        readonly injector = inject(Injector);
        status = 'idle';
        constructor() {
          onBusEvent('order.placed', async ({ id }) => {
            inZone.push(NgZone.isInAngularZone());
            await Promise.resolve();
            bus.publish('order.confirmed', { id, total: 9 });
          });
        }
        async place() {
          const confirmed = waitForBus('order.confirmed', { id: 'z1' }, { injector: this.injector });
          bus.publish('order.placed', { id: 'z1' });
          this.status = `confirmed ${(await confirmed).payload.total}`;
        }
      },
    );
    const fixture = TestBed.createComponent(Orders);
    fixture.autoDetectChanges();
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent.trim()).toBe('place none idle');
    zone.run(() => (fixture.nativeElement as HTMLElement).querySelector('button')!.click());
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent.trim()).toBe('place order.confirmed confirmed 9');
    expect(inZone).toEqual([true]);
    fixture.destroy();
    await bus.settled();
    expect(pendingWorkOf(bus)).toEqual(NOTHING_PENDING);
  });

  it('does not keep the zone unstable while a waiter with a long timeout is pending', async () => {
    TestBed.configureTestingModule({ providers: [provideZoneChangeDetection(), provideBus<Events>()] });
    const bus = TestBed.inject(BUS) as Bus<Events>;
    const zone = TestBed.inject(NgZone);
    const Waiting = component(
      'x-waiting',
      '',
      class {
        readonly confirmed = waitForBus('order.confirmed', undefined, { timeout: 3_600_000 });
      },
    );
    const fixture = zone.run(() => TestBed.createComponent(Waiting));
    fixture.autoDetectChanges();
    await fixture.whenStable(); // with the hour-long timer in the zone, this would not resolve before the test times out
    expect([zone.isStable, zone.hasPendingMacrotasks, bus.stats().waiters]).toEqual([true, false, 1]);
    const confirmed = fixture.componentInstance.confirmed;
    bus.publish('order.confirmed', { id: 'late', total: 1 });
    await expect(confirmed).resolves.toMatchObject({ payload: { id: 'late' } });
  });

  it('aborts a waiter when its component is destroyed', async () => {
    TestBed.configureTestingModule({ providers: [provideZoneChangeDetection(), provideBus<Events>()] });
    const bus = TestBed.inject(BUS) as Bus<Events>;
    const Waiting = component(
      'x-waiting',
      '',
      class {
        readonly confirmed = waitForBus('order.confirmed');
      },
    );
    const fixture = TestBed.createComponent(Waiting);
    const confirmed = fixture.componentInstance.confirmed;
    expect(bus.stats().waiters).toBe(1);
    fixture.destroy();
    await expect(confirmed).rejects.toBeInstanceOf(DestroyedError);
    expect(bus.stats().waiters).toBe(0);
    expect(Zone.current.name).toBeTypeOf('string'); // zone.js really is loaded in this file
  });
});
