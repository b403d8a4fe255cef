// The end-to-end app: a small standalone, zoneless Angular application
// using rxbus/angular as an app would. test/angular/e2e/build-app.ts compiles
// it ahead of time (ngtsc) and bundles it with esbuild; the browser test
// (test/angular/browser.test.ts) clicks through it in headless Chromium.
//
// A "backend" in the root component confirms placed orders on the pool; the
// panel shows the latest order event (busSignal) and waits for its own
// confirmation (waitForBus). `window.rxbusE2e` lets the test look inside.
import { ApplicationRef, Component, inject, Injector, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import type { BusStats } from 'rxbus';
import { busSignal, createBusToken, injectBus, onBusEvent, provideBus, waitForBus } from 'rxbus/angular';

type ShopEvents = {
  'order.placed': { id: number };
  'order.confirmed': { id: number; total: number };
};

const Shop = createBusToken<ShopEvents>('shop');

/** What the browser test reads and drives. */
export interface E2eHooks {
  stats(): BusStats;
  closed(): boolean;
  /** Orders the backend leaves unconfirmed, so their panel keeps waiting. */
  hold: Set<number>;
  /** `err.name` of every waiter that ended in an error. */
  failures: string[];
  destroyApp(): void;
}

@Component({
  selector: 'order-panel',
  template: `
    <p id="last">{{ last() === null ? 'no order yet' : last()!.type + ' #' + last()!.payload.id }}</p>
    <button id="place" (click)="place()">Place order</button>
    <p id="status">{{ status() }}</p>
  `,
})
export class OrderPanel {
  readonly #bus = injectBus(Shop);
  readonly #injector = inject(Injector);
  readonly last = busSignal('order.*', { token: Shop, initial: null });
  readonly status = signal('idle');
  #next = 1;

  async place(): Promise<void> {
    const id = this.#next++;
    // A click handler is no injection context: the component's injector ties the waiter to it.
    const confirmed = waitForBus('order.confirmed', { id }, { injector: this.#injector, token: Shop, timeout: 10_000 });
    this.#bus.publish('order.placed', { id });
    this.status.set(`waiting for #${id}`);
    try {
      const { payload } = await confirmed;
      this.status.set(`order #${payload.id} confirmed: ${payload.total}`);
    } catch (error) {
      hooks.failures.push((error as Error).name);
    }
  }
}

@Component({
  selector: 'app-root',
  imports: [OrderPanel],
  template: `
    <button id="toggle" (click)="open.set(!open())">{{ open() ? 'Close panel' : 'Open panel' }}</button>
    @if (open()) {
      <order-panel />
    }
  `,
})
export class App {
  readonly open = signal(true);

  constructor() {
    const bus = injectBus(Shop);
    onBusEvent(
      'order.placed',
      async ({ id }) => {
        await new Promise((resolve) => setTimeout(resolve, 20)); // a round trip to a server
        if (!hooks.hold.has(id)) bus.publish('order.confirmed', { id, total: id * 10 });
      },
      { token: Shop },
    );
    const appRef = inject(ApplicationRef);
    hooks.stats = () => bus.stats();
    hooks.closed = () => bus.closed;
    hooks.destroyApp = () => appRef.destroy();
  }
}

const hooks: E2eHooks = { stats: () => ({}) as BusStats, closed: () => false, hold: new Set(), failures: [], destroyApp: () => {} };
(globalThis as { rxbusE2e?: E2eHooks }).rxbusE2e = hooks;

bootstrapApplication(App, { providers: [provideZonelessChangeDetection(), provideBus({ token: Shop })] }).catch((error: unknown) => {
  console.error(error);
});
