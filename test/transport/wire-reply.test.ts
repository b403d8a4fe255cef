import { describe, expect, it } from 'vitest';
import { decodeReply, encodeFailure, encodeReply } from '../../src/transport/wire-reply.js';

describe('wire replies', () => {
  it('round-trips a reply', () => {
    expect(decodeReply(encodeReply({ name: 'Ada' }), 1000)).toEqual({ ok: true, reply: { ok: true, reply: { name: 'Ada' } } });
  });

  it('carries an error name and message, not its stack', () => {
    class NotFoundError extends Error {
      override name = 'NotFoundError';
    }
    const text = encodeFailure(new NotFoundError('no user 7'));
    expect(text).not.toContain('at ');
    expect(decodeReply(text, 1000)).toEqual({ ok: true, reply: { ok: false, name: 'NotFoundError', message: 'no user 7' } });
  });

  it('renders a thrown non-error value, even a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of ['boom', null, proxy]) {
      const decoded = decodeReply(encodeFailure(value), 1000);
      expect(decoded.ok && !decoded.reply.ok && decoded.reply.name).toBe('Error');
    }
  });

  it('refuses a reply that is neither a success nor a failure', () => {
    expect(decodeReply('{"v":1,"ok":"yes"}', 1000).ok).toBe(false);
    expect(decodeReply('{"v":2,"ok":true}', 1000).ok).toBe(false);
    expect(decodeReply('not json', 1000).ok).toBe(false);
  });
});
