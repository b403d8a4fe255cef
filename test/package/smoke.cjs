// The same check for the CommonJS world: require() of every entry by its
// public name, and one call into each.
const assert = require('node:assert/strict');
const { sep } = require('node:path');
const { createBus, QueueFullError } = require('rxbus');
const { ofType, createTokenBucket } = require('rxbus/operators');
const { VirtualScheduler, createTestBus, record } = require('rxbus/testing');
const { Subject } = require('rxjs');

const scheduler = new VirtualScheduler();
const bus = createBus({ scheduler, concurrency: 1, capacity: 0 });
bus.on('job', () => new Promise(() => {}));
bus.publish('job', 1); // runs
assert.throws(() => bus.publish('job', 2), QueueFullError);

const types = [];
const subject = new Subject();
subject.pipe(ofType('a.*')).subscribe((e) => types.push(e.type));
subject.next({ type: 'a.b', payload: 1, id: 1, time: 0 });
subject.next({ type: 'c', payload: 1, id: 2, time: 0 });
assert.deepEqual(types, ['a.b']);

const bucket = createTokenBucket({ rate: 1, per: 1000, burst: 1, scheduler });
assert.equal(bucket.tryTake().ok, true);
assert.equal(bucket.tryTake().ok, false);
const testBus = createTestBus();
const ticks = record(testBus, 'tick');
testBus.publish('tick', 1);
assert.deepEqual(ticks.payloads, [1]);
// vitest is an optional peer: rxbus and rxbus/testing never load it (only rxbus/testing/vitest does).
assert.equal(
  Object.keys(require.cache).some((file) => file.includes(`${sep}vitest${sep}`)),
  false,
);
// The NATS client is an optional peer: rxbus and rxbus/operators never load it.
const natsLoaded = () => Object.keys(require.cache).some((file) => file.includes(`${sep}@nats-io${sep}`));
assert.equal(natsLoaded(), false);
const nats = require('rxbus/nats');
assert.equal(typeof nats.bridge, 'function');
assert.equal(typeof nats.ensureStream, 'function');
assert.equal(nats.BridgeError, require('rxbus').BridgeError);
// Even rxbus/nats loads @nats-io/jetstream only when a JetStream bridge opens.
assert.equal(natsLoaded(), false);
// The Redis client is an optional peer too: rxbus never loads it, and rxbus/redis only calls the connection it is given.
const redisLoaded = () => Object.keys(require.cache).some((file) => file.includes(`${sep}ioredis${sep}`));
assert.equal(redisLoaded(), false);
const redis = require('rxbus/redis');
assert.equal(typeof redis.bridge, 'function');
assert.equal(redis.BridgeError, require('rxbus').BridgeError);
assert.equal(redisLoaded(), false);
// Angular is an optional peer: rxbus never loads it, only rxbus/angular does
// (Angular is ESM-only: requiring it needs Node's require(esm), 20.19+).
const angularLoaded = () => Object.keys(require.cache).some((file) => file.includes(`${sep}@angular${sep}`));
assert.equal(angularLoaded(), false);
const angular = require('rxbus/angular');
assert.equal(angularLoaded(), true);
assert.equal(typeof angular.provideBus, 'function');
assert.equal(Object.getPrototypeOf(angular.DestroyedError.prototype), require('rxbus').RxBusError.prototype);
// NestJS is an optional peer: nothing above loaded it; rxbus/nestjs does, and a
// CommonJS Nest app (decorators applied by hand, no compiler) runs a handler.
const nestLoaded = () => Object.keys(require.cache).some((file) => file.includes(`${sep}@nestjs${sep}`));
assert.equal(nestLoaded(), false);
const { RxBusModule, OnBusEvent, InjectBus, getBusToken } = require('rxbus/nestjs');
assert.equal(nestLoaded(), true);
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
class Listener {
  constructor(bus) {
    this.bus = bus;
    this.seen = [];
  }
  handle(payload) {
    this.seen.push(payload);
  }
}
OnBusEvent('ping')(Listener.prototype, 'handle', Object.getOwnPropertyDescriptor(Listener.prototype, 'handle'));
InjectBus()(Listener, undefined, 0);
Injectable()(Listener);
class AppModule {}
Module({ imports: [RxBusModule.forRoot({})], providers: [Listener] })(AppModule);
(async () => {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  const bus = app.get(getBusToken());
  assert.equal(app.get(Listener).bus, bus);
  bus.publish('ping', 1);
  await bus.settled();
  assert.deepEqual(app.get(Listener).seen, [1]);
  await app.close();
  assert.equal(bus.closed, true);
  console.log('cjs smoke: ok');
})();
