// The same check for the CommonJS world: require() of every entry by its
// public name, and one call into each.
const assert = require('node:assert/strict');
const { createBus, QueueFullError } = require('rxbus');
const { ofType, createTokenBucket } = require('rxbus/operators');
const { VirtualScheduler } = require('rxbus/testing');
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
console.log('cjs smoke: ok');
