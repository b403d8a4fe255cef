// TestBed for the rxbus/angular unit tests: the real @angular/core, with the
// JIT compiler (tests only; the published entry needs none) and the browser
// testing platform over jsdom. Import it first in each test file that
// declares `// @vitest-environment jsdom`.
import '@angular/compiler';
import { Component, DestroyRef, Injector, type Type } from '@angular/core';
import { getTestBed, TestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';
import { afterEach } from 'vitest';

// Each test file gets its own module graph, so this runs once per file.
getTestBed().initTestEnvironment(BrowserTestingModule, platformBrowserTesting(), { teardown: { destroyAfterEach: true } });

// Angular registers this hook itself only when the runner exposes globals.
afterEach(() => TestBed.resetTestingModule());

/** The event map the rxbus/angular tests use. */
export type Events = {
  'order.placed': { id: string };
  'order.confirmed': { id: string; total: number };
  'panel.close': void;
  tick: number;
};

// Registered as the app's event map, as an application does once: the
// helpers infer payloads from the pattern alone (and the type tests check it).
declare module 'rxbus/angular' {
  interface Register {
    events: Events;
  }
}

/**
 * A standalone test component, declared by calling Angular's `Component`
 * decorator function on the class (what a decorator does), so the test
 * sources need no decorator syntax or compiler option.
 */
export function component<T extends Type<unknown>>(selector: string, template: string, type: T, imports: Type<unknown>[] = []): T {
  return Component({ selector, template, imports })(type);
}

/** A DestroyRef whose callbacks the test can count and fire. */
export class CountingDestroyRef extends DestroyRef {
  readonly callbacks = new Set<() => void>();
  #destroyed = false;
  override get destroyed(): boolean {
    return this.#destroyed;
  }
  override onDestroy(callback: () => void): () => void {
    this.callbacks.add(callback);
    return () => this.callbacks.delete(callback);
  }
  destroy(): void {
    this.#destroyed = true;
    for (const callback of this.callbacks) callback();
    this.callbacks.clear();
  }
}

/** An injector whose DestroyRef is `destroyRef`, over TestBed's. */
export function injectorWith(destroyRef: DestroyRef): Injector {
  const parent = TestBed.inject(Injector);
  return new (class extends Injector {
    override get(token: unknown, notFound?: unknown, options?: object): never {
      return (token === DestroyRef ? destroyRef : parent.get(token as never, notFound as never, options as never)) as never;
    }
  })();
}

/** What `pendingWorkOf` reports for a bus with nothing left. */
export const NOTHING_PENDING = {
  waiters: 0,
  subscriptions: 0,
  queued: 0,
  running: 0,
  emitters: 0,
  tracked: 0,
  pendingRequests: 0,
  timers: 0,
};
