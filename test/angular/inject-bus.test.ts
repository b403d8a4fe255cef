// @vitest-environment jsdom
import './testbed.js';
import type { Events } from './testbed.js';
import { Injector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { RxBusError } from 'rxbus';
import { BUS, BusNotProvidedError, createBusToken, injectBus, NoInjectionContextError, provideBus } from 'rxbus/angular';

describe('injectBus', () => {
  it('returns the provided bus in an injection context', () => {
    TestBed.configureTestingModule({ providers: [provideBus<Events>()] });
    const bus = TestBed.runInInjectionContext(() => injectBus<Events>());
    expect(bus).toBe(TestBed.inject(BUS));
  });

  it('returns the bus of a token', () => {
    const Orders = createBusToken<Events>('orders');
    TestBed.configureTestingModule({ providers: [provideBus(), provideBus({ token: Orders })] });
    const orders = TestBed.runInInjectionContext(() => injectBus(Orders));
    expect(orders).toBe(TestBed.inject(Orders));
    expect(orders).not.toBe(TestBed.inject(BUS));
  });

  it('resolves from an explicit injector outside an injection context', () => {
    const Orders = createBusToken<Events>('orders');
    TestBed.configureTestingModule({ providers: [provideBus(), provideBus({ token: Orders })] });
    const injector = TestBed.inject(Injector);
    expect(injectBus({ injector })).toBe(TestBed.inject(BUS));
    expect(injectBus(Orders, { injector })).toBe(TestBed.inject(Orders));
  });

  it('throws NoInjectionContextError naming injectBus outside an injection context', () => {
    TestBed.configureTestingModule({ providers: [provideBus()] });
    let error: unknown;
    try {
      injectBus();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NoInjectionContextError);
    expect(error).toBeInstanceOf(RxBusError);
    expect(error).toMatchObject({ name: 'NoInjectionContextError', helper: 'injectBus' });
    expect((error as Error).message).toBe(
      'injectBus() was called outside an injection context and without an injector, so it cannot tell whose DestroyRef ends it. ' +
        'Call it in a constructor, a field initializer or a provider factory, or pass { injector } (e.g. a field `injector = inject(Injector)` of the component).',
    );
    expect(String((error as Error).cause)).toContain('NG0203');
  });

  it('throws BusNotProvidedError when nothing provides the bus', () => {
    const Orders = createBusToken<Events>('orders');
    expect(() => TestBed.runInInjectionContext(() => injectBus())).toThrow(
      new BusNotProvidedError('injectBus', 'InjectionToken rxbus.Bus', true),
    );
    const error = (() => {
      try {
        TestBed.runInInjectionContext(() => injectBus(Orders));
      } catch (caught) {
        return caught as BusNotProvidedError;
      }
    })();
    expect(error?.message).toBe(
      'injectBus() found no bus for InjectionToken rxbus.Bus(orders): no injector on the way up provides one. ' +
        'Add provideBus({ token }) to the providers of bootstrapApplication(), a route or an environment injector above this one.',
    );
    expect(error?.token).toBe('InjectionToken rxbus.Bus(orders)');
  });

  it('refuses an injector option that is not an injector', () => {
    expect(() => injectBus({ injector: {} as never })).toThrow(
      "Expected the 'injector' option of injectBus() to be an Angular Injector (e.g. inject(Injector)), got an object.",
    );
    expect(() => injectBus(42 as never)).toThrow(TypeError);
  });
});
