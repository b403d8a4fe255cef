/**
 * The core works in browsers, for real: an esbuild bundle of the built
 * `rxbus` + `rxbus/operators` (page-checks.ts) is served on localhost to
 * headless Chromium, and waiters, the pool, backpressure, abort, close and
 * the operators run there on the browser's own timers. Chromium is Debian's,
 * driven by playwright-core (test/support/chromium.ts); it is never downloaded.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, repositoryRoot } from '../support/built-package.js';
import { launchChromium } from '../support/chromium.js';
import type { PageChecks } from './page-checks.js';

/** `rxbus` and `rxbus/<entry>` resolve to the built files, as they would from node_modules. */
const builtPackage: Plugin = {
  name: 'built-rxbus',
  setup(b) {
    b.onResolve({ filter: /^rxbus(\/[a-z-]+)?$/ }, ({ path }) => ({
      path: join(repositoryRoot, 'dist', path === 'rxbus' ? 'index.js' : `${path.slice('rxbus/'.length)}.js`),
    }));
  },
};

let server: Server;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function check<K extends keyof PageChecks>(name: K): Promise<Awaited<ReturnType<PageChecks[K]>>> {
  const run = (n: string) => (globalThis as unknown as { rxbusChecks: Record<string, () => Promise<unknown>> }).rxbusChecks[n]!();
  return (await page.evaluate(run, name)) as Awaited<ReturnType<PageChecks[K]>>;
}

describe('rxbus in headless Chromium', () => {
  beforeAll(async () => {
    assertFreshBuild();
    const bundle = await build({
      entryPoints: [join(import.meta.dirname, 'page-checks.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      plugins: [builtPackage],
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    const html = '<!doctype html><meta charset="utf-8"><title>rxbus</title><script type="module" src="/checks.js"></script>';
    server = createServer((req, res) => {
      if (req.url === '/checks.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'rxbusChecks' in globalThis);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('loads in a page with no Node globals', async () => {
    const env = await check('environment');
    expect(env.hasProcess).toBe(false);
    expect(env.userAgent).toMatch(/Chrome/);
  });

  it('resolves waiters from the history and live, and leaves none behind', async () => {
    expect(await check('waiter')).toEqual({
      fromHistory: { url: '/api/users', status: 200 },
      live: { url: '/api/orders', status: 201 },
      waitersWhileWaiting: 1,
      waitersAfter: 0,
    });
  });

  it('rejects a waiter with WaitTimeoutError on the browser timer', async () => {
    expect(await check('timeout')).toEqual({ isWaitTimeoutError: true, name: 'TimeoutError', mentionsPattern: true, waitersAfter: 0 });
  });

  it('rejects with signal.reason, aborted before the call and while waiting', async () => {
    expect(await check('abort')).toEqual({ earlyIsReason: true, lateIsReason: true, waitersWhileWaiting: 1, waitersAfter: 0 });
  });

  it('runs handlers on the bounded pool and settles', async () => {
    const result = await check('pool');
    expect(result.maxRunning).toBe(2);
    expect([result.runningDuring, result.queuedDuring]).toEqual([2, 6]);
    expect([...result.order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([result.delivered, result.queuedAfter]).toEqual([8, 0]);
  });

  it('makes emit wait for queue room and time out with QueueFullError', async () => {
    expect(await check('backpressure')).toEqual({ fullIsQueueFullError: true, emittersWaiting: 1, seen: [1, 2, 4] });
  });

  it('closes: pending waiters reject and publish throws BusClosedError', async () => {
    expect(await check('close')).toEqual({ waiterRejected: true, publishThrew: true, waitersAfter: 0 });
  });

  it('runs the operators: ofType, waitFor with a timeout, rateLimit, boundedMerge', async () => {
    expect(await check('operators')).toEqual({ found: 2, timeoutName: 'TimeoutError', limited: [1, 2, 3], merged: [30, 10, 20] });
  });

  it('reported no page error or console error', () => {
    expect(pageErrors).toEqual([]);
  });
});
