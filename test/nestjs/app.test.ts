import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED, sharedServerUp, uniquePrefix } from '../nats/server.js';
import { AppProcess, bundleApp, VARIANTS } from './app-process.js';

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

describe.each(VARIANTS)('a real Nest application process: $name', (variant) => {
  let file: string;
  let app: AppProcess;
  beforeAll(async () => {
    file = await bundleApp(variant);
    app = await AppProcess.start(file, { CONCURRENCY: '4' });
  }, 240_000);
  afterAll(async () => {
    await app?.stop();
  });

  it(`runs on NestJS ${variant.nest}`, async () => {
    const { body } = await json(`${app.url}/stats`);
    expect(body.nest.split('.')[0]).toBe(String(variant.nest));
  });

  it('answers an HTTP request with the reply event an @OnBusEvent handler published, and a request through @HandleRequest', async () => {
    const placed = await json(`${app.url}/orders/a1`, { method: 'POST', headers: { 'x-request-id': 'one' } });
    expect(placed).toEqual({ status: 201, body: { id: 'a1', requestId: 'one', pid: app.child.pid } });
    const doubled = await json(`${app.url}/double/21`, { headers: { 'x-request-id': 'two' } });
    expect(doubled).toEqual({ status: 200, body: { doubled: 42, requestId: 'two' } });
  });

  it('resolves a request-scoped handler per event, with the event as its REQUEST', async () => {
    const first = await json(`${app.url}/scoped/1`, { method: 'POST' });
    const second = await json(`${app.url}/scoped/2`, { method: 'POST' });
    expect(first.body).toMatchObject({ n: 1, requestIsEvent: true });
    expect(second.body).toMatchObject({ n: 2, requestIsEvent: true });
    expect(second.body.instance).toBeGreaterThan(first.body.instance);
  });

  it('serves 200 concurrent requests with at most 4 handlers running, each with its own reply and its own nestjs-cls request id', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `o${i}`);
    const replies = await Promise.all(
      ids.map((id) => json(`${app.url}/orders/${id}`, { method: 'POST', headers: { 'x-request-id': `req-${id}` } })),
    );
    for (const [i, reply] of replies.entries()) {
      expect(reply).toEqual({ status: 201, body: { id: ids[i], requestId: `req-${ids[i]}`, pid: app.child.pid } });
    }
    const { body: stats } = await json(`${app.url}/stats`);
    // Exactly 4: the cap held, and the load did fill it.
    expect(stats.maxRunning).toBe(4);
    expect(stats).toMatchObject({ running: 0, queued: 0, waiters: 0, failed: 0, dropped: 0 });
    expect(stats.delivered).toBeGreaterThanOrEqual(201);
  });

  it("logs a failing handler through Nest's logger and keeps serving", async () => {
    expect((await json(`${app.url}/fail/5`, { method: 'POST' })).status).toBe(201);
    const [line] = await app.waitForOutput(/deliberate failure 5/);
    expect(line).toMatch(/ERROR \[RxBus\] Handler 'OrderHandlers\.fail' failed on 'job\.fail' \(event #\d+\): deliberate failure 5/);
    expect((await json(`${app.url}/orders/after-failure`, { method: 'POST' })).body.id).toBe('after-failure');
    expect((await json(`${app.url}/stats`)).body.failed).toBe(1);
  });

  it('on SIGTERM lets in-flight handlers finish, refuses new events, and exits 0', async () => {
    const doomed = await AppProcess.start(file, { CONCURRENCY: '4', SLOW_MS: '1500' });
    try {
      expect((await json(`${doomed.url}/slow/3`, { method: 'POST' })).body).toEqual({ published: 3 });
      await doomed.waitForOutput(/^slow start \d$/, 3);
      doomed.child.kill('SIGTERM');
      // The HTTP server stays open during the drain: new events are refused.
      // Events admitted before the bus closed are legitimate and run; none refused does.
      const admitted: number[] = [];
      let refused: { n: number; status: number; body: any } | undefined;
      for (let n = 100; refused === undefined && doomed.child.exitCode === null; n++) {
        const attempt = await json(`${doomed.url}/fail/${n}`, { method: 'POST' });
        if (attempt.status === 503) refused = { n, ...attempt };
        else admitted.push(n);
      }
      expect(refused).toMatchObject({ status: 503, body: { error: 'BusClosedError' } });
      expect(await doomed.exited).toEqual({ code: 0, signal: null });
      const out = doomed.output;
      const draining = out.findIndex((l) => /Draining 3 running and \d+ queued handler job\(s\) on SIGTERM, up to 10000 ms/.test(l));
      expect(draining).toBeGreaterThanOrEqual(0);
      const done = out.flatMap((l, i) => (/^slow done \d$/.test(l) ? [i] : []));
      expect(done).toHaveLength(3);
      expect(Math.min(...done)).toBeGreaterThan(draining);
      // One logger line per failed job (its stack, printed below it, repeats the message).
      const ran = out.flatMap((l) => /ERROR \[RxBus\].*deliberate failure (\d+)/.exec(l)?.[1] ?? []).map(Number);
      expect(ran).toEqual(admitted);
      expect(ran).not.toContain(refused!.n);
    } finally {
      await doomed.stop();
    }
  });
});

const natsUp = await sharedServerUp();

describe.skipIf(!natsUp)('two Nest application processes over rxbus/nats', () => {
  const apps: AppProcess[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  it('answers an HTTP request in one process with an event a handler published in the other', async () => {
    const file = await bundleApp(VARIANTS[0]!);
    const env = { NATS_URL: SHARED, NATS_PREFIX: uniquePrefix('nest') };
    const [front, worker] = await Promise.all([
      AppProcess.start(file, { ...env, ROLE: 'front' }),
      AppProcess.start(file, { ...env, ROLE: 'worker' }),
    ]);
    apps.push(front, worker);
    expect(front.output).toContain('bridged');
    expect(worker.output).toContain('bridged');
    const replies = await Promise.all(['r1', 'r2', 'r3'].map((id) => json(`${front.url}/remote/${id}`, { method: 'POST' })));
    expect(replies).toEqual(['r1', 'r2', 'r3'].map((id) => ({ status: 201, body: { id, pid: worker.child.pid } })));
    expect(worker.child.pid).not.toBe(front.child.pid);
    for (const app of [front, worker]) app.child.kill('SIGTERM');
    expect(await Promise.all([front.exited, worker.exited])).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });
});
