// Runs after the build (npm test): loads every entry of the built package
// through its public name in the ESM world and exercises one thing from each,
// so a broken `exports` map or a missing file fails the suite.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { createBus, WaitTimeoutError, BusClosedError, BridgeError } from 'rxbus';
import { bridge, ensureStream, sourceOf, BridgeError as NatsBridgeError } from 'rxbus/nats';
import { bridge as redisBridge, BridgeError as RedisBridgeError } from 'rxbus/redis';
import { ofType, waitFor, boundedMerge, rateLimit, createTokenBucket, fromAbortSignal, takeUntilAborted, matching } from 'rxbus/operators';
import { VirtualScheduler, createTestBus, expectEvent } from 'rxbus/testing';
import { busMatchers } from 'rxbus/testing/vitest'; // registers the matchers with vitest's expect
import { Subject, firstValueFrom } from 'rxjs';

for (const fn of [ofType, waitFor, boundedMerge, rateLimit, createTokenBucket, fromAbortSignal, takeUntilAborted, matching]) {
  assert.equal(typeof fn, 'function');
}

const scheduler = new VirtualScheduler();
const bus = createBus({ scheduler });
const seen = bus.waitFor('order.*', { id: 7 });
bus.publish('order.created', { id: 7 });
assert.equal((await seen).type, 'order.created');

// The operator's timeout error is the same class the core exports: the entries share one copy.
const source = new Subject();
const waiting = firstValueFrom(source.pipe(waitFor((n) => n > 1, { timeout: 10, scheduler })));
scheduler.advance(10);
await assert.rejects(waiting, (error) => error instanceof WaitTimeoutError);

await bus.close();
assert.throws(() => bus.publish('x', 1), BusClosedError);
// The test DSL drives its own virtual clock.
const testBus = createTestBus();
testBus.scheduler.schedule(() => testBus.publish('page.response', { status: 200 }), 250);
assert.equal((await expectEvent(testBus, 'page.response', { status: 200 }).within(1000)).time, 250);
assert.equal(busMatchers.toHavePublished.call({ isNot: false }, testBus, 'page.*').pass, true);
// rxbus/nats: its error classes are the core's (one shared chunk).
assert.equal(NatsBridgeError, BridgeError);
for (const fn of [bridge, ensureStream, sourceOf]) assert.equal(typeof fn, 'function');
await assert.rejects(bridge(createBus(), { publish: 1 }), TypeError);
// rxbus/redis: the same error classes; it refuses what is not an ioredis connection without loading one.
assert.equal(RedisBridgeError, BridgeError);
await assert.rejects(redisBridge(createBus(), {}), /ioredis connection/);
await assert.rejects(redisBridge(createBus(), {}, { requests: ['user.get'] }), /not supported by rxbus\/redis/);
// rxbus/angular: providers and tokens built without a decorator or the JIT compiler.
const angular = await import('rxbus/angular');
const token = angular.createBusToken('smoke');
assert.equal(String(token), 'InjectionToken rxbus.Bus(smoke)');
assert.equal(typeof angular.provideBus({ token }, angular.withErrorHandler()), 'object');
const { RxBusError } = await import('rxbus'); // one shared copy of the error classes
assert.equal(new angular.DestroyedError('waitForBus', 'x') instanceof RxBusError, true);
// NestJS is an optional peer: nothing above loaded it (Nest 11 is CommonJS, so
// it would be in require's cache); rxbus/nestjs works from ESM.
const requireCache = createRequire(import.meta.url).cache;
const nestLoaded = () => Object.keys(requireCache).some((file) => file.includes(`${sep}@nestjs${sep}`));
assert.equal(nestLoaded(), false);
const nestjs = await import('rxbus/nestjs');
assert.equal(nestLoaded(), true);
for (const name of ['RxBusModule', 'OnBusEvent', 'HandleRequest', 'InjectBus', 'getBusToken', 'DuplicateRequestHandlerError'])
  assert.ok(nestjs[name], name);
const { NestFactory } = await import('@nestjs/core');
const context = await NestFactory.createApplicationContext(nestjs.RxBusModule.forRoot({ concurrency: 2 }), { logger: false });
assert.equal(typeof context.get(nestjs.getBusToken()).publish, 'function');
await context.close();
console.log('esm smoke: ok');
