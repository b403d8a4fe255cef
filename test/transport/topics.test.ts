import { describe, expect, it } from 'vitest';
import { assertTopicBase, encodeSegment, minimalPatterns, NATS_WILDCARDS, natsCovers, TopicMap } from '../../src/transport/topics.js';

describe('encodeSegment', () => {
  it('keeps printable ASCII segments as they are', () => {
    expect(encodeSegment('created')).toBe('created');
    expect(encodeSegment('user_42-v2:x')).toBe('user_42-v2:x');
  });

  it('percent-encodes spaces, wildcards, % and non-ASCII byte by byte, and marks an empty segment', () => {
    expect(encodeSegment('a b')).toBe('a%20b');
    expect(encodeSegment('*')).toBe('%2A');
    expect(encodeSegment('a>')).toBe('a%3E');
    expect(encodeSegment('50%')).toBe('50%25');
    expect(encodeSegment('é')).toBe('%C3%A9');
    expect(encodeSegment('')).toBe('%');
  });
});

describe('TopicMap', () => {
  const topics = new TopicMap('rxbus.events');

  it('maps a type segment by segment under the base', () => {
    expect(topics.of('order.created')).toBe('rxbus.events.order.created');
    expect(topics.of('a..b')).toBe('rxbus.events.a.%.b');
    expect(topics.of('__proto__')).toBe('rxbus.events.__proto__');
  });

  it('maps * to * and ** to > for NATS', () => {
    expect(topics.pattern('order.*', NATS_WILDCARDS)).toEqual({ pattern: 'order.*', topic: 'rxbus.events.order.*', wider: false });
    expect(topics.pattern('page.**', NATS_WILDCARDS)).toEqual({ pattern: 'page.**', topic: 'rxbus.events.page.>', wider: false });
    expect(topics.pattern('**', NATS_WILDCARDS).topic).toBe('rxbus.events.>');
  });

  it('widens a pattern with ** in the middle to a > subject (filtered locally)', () => {
    expect(topics.pattern('a.**.done', NATS_WILDCARDS)).toEqual({ pattern: 'a.**.done', topic: 'rxbus.events.a.>', wider: true });
  });
});

describe('natsCovers and minimalPatterns', () => {
  it('knows which subject pattern covers another', () => {
    expect(natsCovers('x.>', 'x.y.*')).toBe(true);
    expect(natsCovers('x.*', 'x.y')).toBe(true);
    expect(natsCovers('x.*', 'x.>')).toBe(false);
    expect(natsCovers('x.*', 'x.y.z')).toBe(false);
    expect(natsCovers('x.y', 'x.y')).toBe(true);
    expect(natsCovers('x.>', 'x')).toBe(false);
  });

  it('leaves out patterns covered by another, and keeps one of two equal ones', () => {
    const topics = new TopicMap('p');
    const mapped = ['order.*', 'order.created', 'user.**', 'user.a.b', 'order.*'].map((p) => topics.pattern(p, NATS_WILDCARDS));
    expect(minimalPatterns(mapped, natsCovers).map((t) => t.pattern)).toEqual(['order.*', 'user.**']);
  });
});

describe('assertTopicBase', () => {
  it('accepts dot segments and refuses wildcards, spaces and empty segments', () => {
    expect(() => assertTopicBase('shop.rxbus', 'prefix')).not.toThrow();
    for (const bad of ['', 'a.*', 'a b', 'a..b', 'a.>', 5]) expect(() => assertTopicBase(bad, 'prefix')).toThrow(TypeError);
  });
});
