import { describe, expect, it } from 'vitest';
import { createBus } from 'rxbus';
import { createTestBus, expectEvent, parseMarbles, publishMarbles, VirtualScheduler, type TestBus } from 'rxbus/testing';

type Events = {
  'page.request': { url: string };
  'page.response': { url: string; status: number };
  'app.ready': void;
  tick: number;
};

/** `type@time` for each published event. */
const timeline = (bus: TestBus<Events>) => bus.published.events.map((e) => `${e.type}@${e.time}`);

describe('parseMarbles', () => {
  it('times each event: one frame per character, groups in one frame, time progressions in ms', () => {
    expect(parseMarbles('-a-(bc)|')).toEqual([
      { time: 1, keys: ['a'] },
      { time: 3, keys: ['b', 'c'] },
    ]);
    expect(parseMarbles('a 98ms b 1s c')).toEqual([
      { time: 0, keys: ['a'] },
      { time: 99, keys: ['b'] },
      { time: 1100, keys: ['c'] },
    ]);
    expect(parseMarbles('(ab)-c', 10)).toEqual([
      { time: 0, keys: ['a', 'b'] },
      { time: 50, keys: ['c'] },
    ]);
    expect(parseMarbles('---|')).toEqual([]);
  });

  it('refuses malformed diagrams, naming the position', () => {
    expect(() => parseMarbles('a(b')).toThrow("Bad marble diagram 'a(b' at position 1: '(' is never closed");
    expect(() => parseMarbles('a)')).toThrow(/position 1: '\)' without '\('/);
    expect(() => parseMarbles('((a))')).toThrow(/groups cannot nest/);
    expect(() => parseMarbles('(a-b)')).toThrow(/'-' inside a group/);
    expect(() => parseMarbles('a|b')).toThrow(/nothing may follow '\|'/);
    expect(() => parseMarbles('a#')).toThrow(/'#' has no meaning when publishing events/);
    expect(() => parseMarbles('^a')).toThrow(SyntaxError);
  });
});

describe('publishMarbles', () => {
  it('publishes frame 0 at once and later frames as the virtual clock reaches them', () => {
    const bus = createTestBus<Events>();
    const sub = publishMarbles(bus, 'a-b 97ms c|', {
      a: ['page.request', { url: '/a' }],
      b: ['page.request', { url: '/b' }],
      c: ['page.response', { url: '/a', status: 200 }],
    });
    expect(timeline(bus)).toEqual(['page.request@0']);
    bus.advance(2);
    expect(timeline(bus)).toEqual(['page.request@0', 'page.request@2']);
    expect(sub.closed).toBe(false);
    bus.advance(98);
    expect(timeline(bus)).toEqual(['page.request@0', 'page.request@2', 'page.response@100']);
    expect(bus.published.payloads[2]).toEqual({ url: '/a', status: 200 });
    expect(sub.closed).toBe(true);
    expect(bus.scheduler.pending).toBe(0);
  });

  it('publishes a group in order in one frame, and the same value as often as it appears', () => {
    const bus = createTestBus<Events>();
    publishMarbles(bus, '-(ab)-a', { a: ['tick', 1], b: ['tick', 2] });
    bus.runAll();
    expect(bus.published.events.map((e) => [e.payload, e.time])).toEqual([
      [1, 1],
      [2, 1],
      [1, 6],
    ]);
  });

  it('starts at the current time, with `frame` virtual ms per frame', () => {
    const bus = createTestBus<Events>({ startTime: 1000 });
    publishMarbles(bus, '-a--b', { a: ['tick', 1], b: ['app.ready'] }, { frame: 100 });
    bus.runAll();
    expect(timeline(bus)).toEqual(['tick@1100', 'app.ready@1400']);
  });

  it('works with expectEvent, which moves the clock to the event', async () => {
    const bus = createTestBus<Events>();
    publishMarbles(bus, '--- 1s r', { r: ['page.response', { url: '/slow', status: 200 }] });
    const event = await expectEvent(bus, 'page.response', { url: '/slow' }).within(2000);
    expect(event.time).toBe(1003);
  });

  it('stops publishing when unsubscribed, leaving no timer', () => {
    const bus = createTestBus<Events>();
    const sub = publishMarbles(bus, 'a-b-c', { a: ['tick', 1], b: ['tick', 2], c: ['tick', 3] });
    bus.advance(2);
    sub.unsubscribe();
    expect(bus.scheduler.pending).toBe(0);
    bus.advance(10);
    expect(bus.published.payloads).toEqual([1, 2]);
  });

  it('publishes on a given scheduler for a bus that is not a test bus', () => {
    const scheduler = new VirtualScheduler();
    const bus = createBus<Events>({ scheduler });
    const ticks: number[] = [];
    bus.events$('tick').subscribe((e) => ticks.push(e.time));
    publishMarbles(bus, '-a-a', { a: ['tick', 0] }, { scheduler });
    scheduler.advance(3);
    expect(ticks).toEqual([1, 3]);
    expect(() => publishMarbles(bus, 'a', { a: ['tick', 0] })).toThrow(/needs a clock: pass a test bus/);
  });

  it('refuses a character without a value before publishing anything', () => {
    const bus = createTestBus<Events>();
    expect(() => publishMarbles(bus, 'a-b', { a: ['tick', 1] })).toThrow(
      "Marble 'b' in 'a-b' has no value: give it one as { b: [type, payload] }.",
    );
    expect(() => publishMarbles(bus, 'a', { a: ['tick', 1] }, { frame: 0 })).toThrow(RangeError);
    expect(bus.published.events).toEqual([]);
  });

  it('lets a publish error surface where the clock moves', () => {
    const bus = createTestBus<Events>({ concurrency: 1, capacity: 0 });
    bus.on('tick', () => new Promise(() => undefined));
    publishMarbles(bus, 'a-a', { a: ['tick', 1] });
    expect(() => bus.advance(2)).toThrow(/Handler queue is full/);
  });
});
