// End to end in a real browser: the app in test/angular/e2e/app.ts, compiled
// ahead of time and bundled (e2e/build-app.ts), served from localhost and
// driven in Debian's headless Chromium through playwright-core. No JIT
// compiler is in the bundle. The page's own hooks (window.rxbusE2e) report
// the bus's stats, so the test can check that closing the panel and
// destroying the app leave nothing behind.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusStats } from 'rxbus';
import { launchChromium } from '../support/chromium.js';
import { buildApp, type BuiltApp } from './e2e/build-app.js';
import type { E2eHooks } from './e2e/app.js';

const INDEX =
  '<!doctype html><html><head><meta charset="utf-8"><title>rxbus e2e</title><link rel="icon" href="data:,"></head><body><app-root></app-root><script type="module" src="/main.js"></script></body></html>';

let app: BuiltApp;
let server: Server | undefined;
let browser: Browser | undefined;
let origin: string;

beforeAll(async () => {
  // Build and launch side by side; a failed build must not leave Chromium running.
  const [built, launched] = await Promise.allSettled([buildApp(), launchChromium()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (built.status === 'rejected') throw built.reason;
  if (launched.status === 'rejected') throw launched.reason;
  app = built.value;
  const listening = createServer((request, response) => {
    const [type, body] = request.url === '/main.js' ? ['text/javascript', app.code] : request.url === '/' ? ['text/html', INDEX] : [];
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': `${type ?? 'text/plain'}; charset=utf-8` });
    response.end(body ?? 'not found');
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}, 150_000);

afterAll(async () => {
  await browser?.close();
  const open = server;
  if (open !== undefined) await new Promise((resolve) => open.close(resolve));
});

type Hooks = { rxbusE2e: E2eHooks };
const stats = (page: Page) => page.evaluate(() => (globalThis as unknown as Hooks).rxbusE2e.stats());
const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe('rxbus/angular in headless Chromium', () => {
  it('is an AOT bundle: no Angular compiler and no partial declarations left', () => {
    expect(app.inputs.some((path) => path.includes('@angular/compiler'))).toBe(false);
    expect(app.inputs.some((path) => path.endsWith('src/angular/index.ts'))).toBe(true);
    expect(app.code).not.toContain('ɵɵngDeclare');
  });

  it('shows busSignal, waits with waitForBus, and leaves no residue when the panel and the app are destroyed', async () => {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    await page.goto(origin);

    await expect.poll(() => text(page, '#last')).toBe('no order yet');
    const idle: Partial<BusStats> = await stats(page);
    expect(idle).toMatchObject({ subscriptions: 2, waiters: 0 }); // the backend's handler, the panel's busSignal

    // Place order #1: the panel waits, the backend confirms it on the pool, the template follows.
    await page.click('#place');
    await expect.poll(() => text(page, '#status')).toBe('order #1 confirmed: 10');
    expect(await text(page, '#last')).toBe('order.confirmed #1');

    // Order #2 is held by the backend: the panel is left waiting, then closed.
    await page.evaluate(() => (globalThis as unknown as Hooks).rxbusE2e.hold.add(2));
    await page.click('#place');
    await expect.poll(() => text(page, '#status')).toBe('waiting for #2');
    expect(await text(page, '#last')).toBe('order.placed #2');
    await expect.poll(async () => (await stats(page)).running).toBe(0);
    expect(await stats(page)).toMatchObject({ waiters: 1, subscriptions: 2 });

    await page.click('#toggle');
    await expect.poll(() => page.locator('order-panel').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as Hooks).rxbusE2e.failures)).toEqual(['AbortError']);
    expect(await stats(page)).toMatchObject({
      waiters: 0,
      subscriptions: 1,
      queued: 0,
      running: 0,
      emitters: 0,
      tracked: 0,
      pendingRequests: 0,
    });

    // Destroying the app destroys its environment injector, which closes the bus.
    await page.evaluate(() => (globalThis as unknown as Hooks).rxbusE2e.destroyApp());
    expect(await page.evaluate(() => (globalThis as unknown as Hooks).rxbusE2e.closed())).toBe(true);
    expect(await stats(page)).toMatchObject({ waiters: 0, subscriptions: 0, queued: 0, running: 0, published: 3, delivered: 2 });
    expect(problems).toEqual([]);
    await page.close();
  });
});
