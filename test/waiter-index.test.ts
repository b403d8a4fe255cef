import { describe, expect, it } from 'vitest';
import { createBus } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';

describe('waiter index keys', () => {
  it("keeps { 'a\\u0000b': 1 } and { a: { b: 1 } } apart: each waiter gets only its own event", async () => {
    const bus = createBus<{ 'x.y': Record<string, unknown> }>({ scheduler: new VirtualScheduler() });
    const flat = bus.waitFor('x.y', { 'a\u0000b': 1 }, { timeout: 0 });
    const nested = bus.waitFor('x.y', { a: { b: 1 } }, { timeout: 0 });
    let flatDone = false;
    void flat.then(() => (flatDone = true));
    bus.publish('x.y', { a: { b: 1 } });
    await expect(nested).resolves.toMatchObject({ payload: { a: { b: 1 } } });
    await Promise.resolve();
    expect(flatDone).toBe(false);
    expect(bus.stats().waiters).toBe(1);
    bus.publish('x.y', { 'a\u0000b': 1 });
    await expect(flat).resolves.toMatchObject({ payload: { 'a\u0000b': 1 } });
    expect(bus.stats().waiters).toBe(0);
  });
});

type Page = { 'page.response': Record<string, unknown> };

/** A payload whose `url` getter throws `error` on every read. */
function throwingUrl(error: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.defineProperty({ ...extra }, 'url', {
    enumerable: true,
    get() {
      throw error;
    },
  });
}

describe('waiter index: a pinned field that throws when read', () => {
  it('rejects with the getter error only the waiters pinned on that field; streams, other waiters and handlers still get the event', async () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Page>({ scheduler });
    const boom = new Error('boom');
    const handled: unknown[] = [];
    const streamed: number[] = [];
    bus.on('page.response', (p) => void handled.push(p['status']));
    bus.events$('page.response').subscribe((e) => streamed.push(e.id));
    const onUrl = bus.waitFor('page.response', { url: '/a' }, { timeout: 1000 });
    const onOtherUrl = bus.waitFor('page.response', { url: '/b', status: 200 }, { timeout: 1000 });
    const onStatus = bus.waitFor('page.response', { status: 200 }, { timeout: 1000 });
    const predicate = bus.waitFor('page.response', (p) => p['status'] === 200, { timeout: 1000 });
    const wildcard = bus.waitFor('page.*', { status: 200 }, { timeout: 1000 });
    const onThirdUrl = bus.waitFor('page.response', { url: '/c' }, { timeout: 1000 });
    const later = bus.waitFor('page.response', { status: 204 }, { timeout: 1000 });

    expect(() => bus.publish('page.response', throwingUrl(boom, { status: 200 }))).not.toThrow();
    bus.publish('page.response', { url: '/c', status: 204 });

    await expect(onUrl).rejects.toBe(boom);
    await expect(onOtherUrl).rejects.toBe(boom);
    // Every matcher on `url` reads it, whatever value it waits for.
    await expect(onThirdUrl).rejects.toBe(boom);
    await expect(later).resolves.toMatchObject({ id: 2 });
    await expect(onStatus).resolves.toMatchObject({ id: 1 });
    await expect(predicate).resolves.toMatchObject({ id: 1 });
    await expect(wildcard).resolves.toMatchObject({ id: 1 });
    await bus.settled();
    expect(handled).toEqual([200, 204]);
    expect(streamed).toEqual([1, 2]);
    expect(bus.stats().waiters).toBe(0);
  });

  it('does not reject a waiter whose matcher stops before reading the field, as the unindexed matcher would not', async () => {
    const bus = createBus<Page>({ scheduler: new VirtualScheduler() });
    // Pinned on `url` (its first primitive leaf) but `kind` is read first.
    const wait = bus.waitFor('page.response', { kind: /^html$/, url: '/a' }, { timeout: 0 });
    const reads = bus.waitFor('page.response', { kind: /^json$/, url: '/a' }, { timeout: 0 });
    bus.publish('page.response', throwingUrl(new Error('boom'), { kind: 'json' }));
    await expect(reads).rejects.toThrow('boom');
    let settled = false;
    void wait.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    bus.publish('page.response', { kind: 'html', url: '/a' });
    await expect(wait).resolves.toMatchObject({ id: 2 });
  });

  it('rejects the waiters on a nested pinned path whose Proxy trap throws', async () => {
    const bus = createBus<Page>({ scheduler: new VirtualScheduler() });
    const trap = new TypeError('trap');
    const req = new Proxy(
      {},
      {
        get() {
          throw trap;
        },
        getOwnPropertyDescriptor() {
          throw trap;
        },
      },
    );
    const nested = bus.waitFor('page.response', { req: { url: '/a' } }, { timeout: 0 });
    const top = bus.waitFor('page.response', { id: 7 }, { timeout: 0 });
    bus.publish('page.response', { req, id: 7 });
    await expect(nested).rejects.toBe(trap);
    await expect(top).resolves.toMatchObject({ id: 1 });
  });

  it('rejects the waiters on a field of a revoked Proxy payload and keeps publishing', async () => {
    const bus = createBus<Page>({ scheduler: new VirtualScheduler() });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const pinned = bus.waitFor('page.response', { url: '/a' }, { timeout: 0 });
    const any = bus.waitFor('page.response', undefined, { timeout: 0 });
    expect(() => bus.publish('page.response', proxy)).not.toThrow();
    await expect(pinned).rejects.toBeInstanceOf(TypeError);
    await expect(any).resolves.toMatchObject({ id: 1 });
    expect(bus.stats().published).toBe(1);
  });

  it('still offers the event to waiters on other pinned fields when one field throws', async () => {
    const bus = createBus<Page>({ scheduler: new VirtualScheduler() });
    const byUrl = bus.waitFor('page.response', { url: '/a' }, { timeout: 0 });
    const byId = bus.waitFor('page.response', { id: 7 }, { timeout: 0 });
    const byCode = bus.waitFor('page.response', { code: 'x' }, { timeout: 0 });
    bus.publish('page.response', throwingUrl('not an Error', { id: 7, code: 'x' }));
    await expect(byUrl).rejects.toBe('not an Error');
    await expect(byId).resolves.toMatchObject({ id: 1 });
    await expect(byCode).resolves.toMatchObject({ id: 1 });
  });
});

describe('WaiterIndex with many wildcard patterns', () => {
  it('offers an event only to the waiters whose wildcard pattern matches, and keeps nothing after they settle', async () => {
    const { createBus } = await import('../src/index.js');
    const bus = createBus({ defaultTimeout: 0 });
    const offered: number[] = [];
    const waits = Array.from({ length: 2_000 }, (_, i) =>
      bus.waitFor(`tenant${i}.*`, () => {
        offered.push(i);
        return true;
      }),
    );
    bus.publish('tenant7.created');
    bus.publish('tenant1999.x.y'); // '*' is one segment: no match
    bus.publish('other.x');
    expect(offered).toEqual([7]);
    await expect(waits[7]).resolves.toMatchObject({ type: 'tenant7.created' });
    expect(bus.stats().waiters).toBe(1_999);
    await bus.close();
    await Promise.allSettled(waits);
    expect(bus.stats().waiters).toBe(0);
  });
});
