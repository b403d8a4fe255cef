import { describe, expect, it } from 'vitest';
import { ChannelPlan } from '../../src/redis/channels.js';
import { TopicMap } from '../../src/transport/topics.js';

const topics = new TopicMap('app.events');

describe('ChannelPlan', () => {
  it('subscribes exact types as channels and wildcard patterns as globs with * for each wildcard', () => {
    const plan = new ChannelPlan(['order.created', 'order.*', 'page.**', 'a.**.done', 'with space'], topics);
    expect(plan.channels).toEqual(['app.events.order.created', 'app.events.with%20space']);
    expect(plan.patterns).toEqual(['app.events.order.*', 'app.events.page.*', 'app.events.a.*.done']);
  });

  it('escapes glob syntax in literal segments and leaves the same pattern once', () => {
    const plan = new ChannelPlan(['q?.[x].*', 'q?.[x].*', 'back\\slash'], topics);
    expect(plan.patterns).toEqual(['app.events.q\\?.\\[x\\].*']);
    expect(plan.channels).toEqual(['app.events.back\\slash']);
  });

  it('takes the copy of the first subscription that matches a channel, once per channel', () => {
    const plan = new ChannelPlan(['order.created', 'order.*', '**'], topics);
    expect(plan.owns('app.events.order.created', 'app.events.order.created')).toBe(true);
    expect(plan.owns('app.events.order.*', 'app.events.order.created')).toBe(false);
    expect(plan.owns('app.events.*', 'app.events.order.created')).toBe(false);
    expect(plan.owns('app.events.order.*', 'app.events.order.paid')).toBe(true);
    expect(plan.owns('app.events.*', 'app.events.order.paid')).toBe(false);
    expect(plan.owns('app.events.*', 'app.events.user.x')).toBe(true);
  });

  it('matches an escaped glob literally, as Redis does', () => {
    const plan = new ChannelPlan(['q?.*', 'other.*'], topics);
    expect(plan.owns('app.events.q\\?.*', 'app.events.q?.x')).toBe(true);
    // 'qX.x' would match an unescaped 'q?.*': Redis does not deliver it to this glob, and neither glob owns it.
    expect(plan.owns('app.events.other.*', 'app.events.qX.x')).toBe(true);
  });
});
