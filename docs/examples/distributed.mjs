/**
 * `npm run demo:distributed`: two real processes share one bus over NATS.
 *
 *   NATS_URL=nats://127.0.0.1:4222 node docs/examples/distributed.mjs
 *
 * The "shop" process (this one) publishes orders and waits for each to be
 * billed; the "billing" process (forked from this file) handles the orders,
 * publishes `order.billed`, and answers `invoice.get` requests. Needs a
 * nats-server on NATS_URL (docs/distributed.md, "Setup").
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { createBus } from 'rxbus';
import { bridge } from 'rxbus/nats';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `demo_${process.pid}`;

if (process.argv[2] === 'billing') {
  // ---------------------------------------------------------------- billing process
  const nc = await connect({ servers, maxReconnectAttempts: -1 });
  const bus = createBus();
  const b = await bridge(bus, nc, {
    prefix: process.argv[3],
    subscribe: ['order.created'],
    publish: ['order.billed'],
    requests: ['invoice.get'],
  });
  const invoices = new Map();
  bus.on('order.created', async (order) => {
    await new Promise((r) => setTimeout(r, 20)); // the billing work
    invoices.set(order.id, { order: order.id, amount: order.total, billedBy: process.pid });
    bus.publish('order.billed', { id: order.id });
  });
  bus.handle('invoice.get', ({ id }) => {
    const invoice = invoices.get(id);
    if (invoice === undefined) throw Object.assign(new Error(`no invoice for order ${id}`), { name: 'NotFoundError' });
    return invoice;
  });
  await nc.flush(); // the responder's subscription is on the server
  process.send('ready');
  process.once('message', async () => {
    await b.close();
    await bus.close();
    await nc.close();
    process.exit(0);
  });
} else {
  // ---------------------------------------------------------------- shop process
  const nc = await connect({ servers, maxReconnectAttempts: -1 }).catch((error) => {
    console.error(`No nats-server on ${servers} (${error.message}). Start one: nats-server -js`);
    process.exit(1);
  });
  const bus = createBus();
  const b = await bridge(bus, nc, { prefix, publish: ['order.created'], subscribe: ['order.billed'], requests: ['invoice.get'] });
  const billing = fork(fileURLToPath(import.meta.url), ['billing', prefix]);
  await new Promise((resolve) => billing.once('message', resolve));
  console.log(`shop ${process.pid} ⇄ billing ${billing.pid} over ${servers} (prefix ${prefix})`);

  for (const [id, total] of [
    ['A-1', 30],
    ['A-2', 45],
    ['A-3', 12],
  ]) {
    const billed = bus.waitFor('order.billed', { id }, { timeout: 5000 });
    bus.publish('order.created', { id, total });
    await billed; // published by the other process
    const invoice = await bus.request('invoice.get', { id }, { timeout: 2000 }); // answered by the other process
    console.log(`order ${id}: billed, invoice ${JSON.stringify(invoice)}`);
  }
  const missing = await bus.request('invoice.get', { id: 'nope' }, { timeout: 2000 }).catch((error) => error);
  console.log(`a remote failure comes back as ${missing.name}: ${missing.remoteName}: ${missing.remoteMessage}`);
  console.log('bridge stats:', b.stats());

  billing.send('stop');
  await new Promise((resolve) => billing.once('exit', resolve));
  await b.close();
  await bus.close();
  await nc.close();
}
