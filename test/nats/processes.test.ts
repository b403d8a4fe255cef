import { afterAll, describe, expect, it } from 'vitest';
import { Peer } from './peer.js';
import { SHARED, sharedServerUp, uniquePrefix } from './server.js';

const up = await sharedServerUp();

describe.skipIf(!up)('rxbus/nats across real OS processes (shared server)', () => {
  const peers: Peer[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
  });

  it('carries events both ways, resolves a waitFor in one process by a publish in another, and answers a request from another process', async () => {
    const prefix = uniquePrefix('procs');
    const [a, b] = await Promise.all([Peer.start(), Peer.start()]);
    peers.push(a, b);
    expect(a.pid).not.toBe(b.pid);
    const options = { prefix, publish: ['order.*'], subscribe: ['order.*'], requests: ['user.*'] };
    const [originA, originB] = await Promise.all([a.open(SHARED, options), b.open(SHARED, options)]);
    expect(originA).not.toBe(originB);

    const atB = b.waitFor('order.created', { id: 1 });
    await b.stats(); // IPC is in order: B registered the waiter before it answers this
    await a.publish('order.created', [{ id: 0 }, { id: 1 }]);
    expect(await atB).toEqual({ id: 1 });

    const atA = a.waitFor('order.paid', { id: 2 });
    await a.stats();
    await b.publish('order.paid', [{ id: 2 }]);
    expect(await atA).toEqual({ id: 2 });

    await a.handle('user.get', { name: 'Ada' });
    const reply = (await b.request('user.get', { id: '7' })) as { id: string; name: string; pid: number };
    expect(reply).toEqual({ id: '7', name: 'Ada', pid: a.pid });
    await expect(a.request('user.none', {})).rejects.toMatchObject({ name: 'NoResponderError' });

    const [statsA, statsB] = await Promise.all([a.stats(), b.stats()]);
    // Each received the other's events only: never its own back.
    expect(statsA.bridge).toMatchObject({ sent: 2, received: 1, invalid: 0, requestsServed: 1 });
    expect(statsB.bridge).toMatchObject({ sent: 1, received: 2, invalid: 0, requestsSent: 1 });
  });
});
