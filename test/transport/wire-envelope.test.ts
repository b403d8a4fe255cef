import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, parseJson, WIRE_VERSION } from '../../src/transport/wire-envelope.js';

const LIMIT = 1024 * 1024;
const bytes = (text: string) => new TextEncoder().encode(text);
const valid = { v: 1, type: 'order.created', payload: { id: '7' }, id: 3, time: 1000, origin: 'proc-a' };

describe('encodeEnvelope', () => {
  it('writes version, type, payload, id, time and origin as one JSON object', () => {
    const text = encodeEnvelope({ type: 'order.created', payload: { id: '7' }, id: 3, time: 1000 }, 'proc-a');
    expect(JSON.parse(text)).toEqual({ ...valid, v: WIRE_VERSION });
  });

  it('throws a TypeError for a payload JSON cannot hold', () => {
    expect(() => encodeEnvelope({ type: 'x', payload: 1n, id: 1, time: 0 }, 'a')).toThrow(TypeError);
  });
});

describe('decodeEnvelope', () => {
  it('round-trips an encoded event from bytes and from text', () => {
    const text = encodeEnvelope({ type: 'a.b', payload: [1, 'x', null], id: 9, time: 5 }, 'o');
    for (const data of [text, bytes(text)]) {
      const decoded = decodeEnvelope(data, LIMIT);
      expect(decoded).toEqual({ ok: true, envelope: { v: 1, type: 'a.b', payload: [1, 'x', null], id: 9, time: 5, origin: 'o' } });
    }
  });

  it('keeps a missing payload as undefined (a void event)', () => {
    const decoded = decodeEnvelope(JSON.stringify({ ...valid, payload: undefined }), LIMIT);
    expect(decoded.ok && decoded.envelope.payload).toBeUndefined();
  });

  it.each([
    ['truncated JSON', JSON.stringify(valid).slice(0, 20), /not valid JSON/],
    ['an empty message', '', /empty/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
    ['a wrong version', JSON.stringify({ ...valid, v: 2 }), /version 2, expected 1/],
    ['a missing version', JSON.stringify({ ...valid, v: undefined }), /version missing/],
    ['a numeric type', JSON.stringify({ ...valid, type: 5 }), /'type' is 5/],
    ['an empty type', JSON.stringify({ ...valid, type: '' }), /'type'/],
    ['a reserved $reply type', JSON.stringify({ ...valid, type: '$reply.user.get' }), /reserved/],
    ['a fractional id', JSON.stringify({ ...valid, id: 1.5 }), /'id' is 1.5/],
    ['a zero id', JSON.stringify({ ...valid, id: 0 }), /'id'/],
    ['a string time', JSON.stringify({ ...valid, time: 'now' }), /'time'/],
    ['a missing origin', JSON.stringify({ ...valid, origin: undefined }), /'origin' is missing/],
    ['a huge origin', JSON.stringify({ ...valid, origin: 'x'.repeat(300) }), /'origin'/],
    [
      'a __proto__ key in the payload',
      '{"v":1,"type":"a","payload":{"x":{"__proto__":{"admin":true}}},"id":1,"time":0,"origin":"o"}',
      /__proto__/,
    ],
    [
      'a __proto__ key spelled with escapes',
      '{"v":1,"type":"a","payload":{"\\u005f_proto__":{"admin":true}},"id":1,"time":0,"origin":"o"}',
      /__proto__/,
    ],
  ])('refuses %s', (_name, data, reason) => {
    const decoded = decodeEnvelope(data, LIMIT);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(reason);
  });

  it('accepts "__proto__" as a string value (only keys are refused)', () => {
    const decoded = decodeEnvelope(JSON.stringify({ ...valid, payload: { note: '__proto__' } }), LIMIT);
    expect(decoded.ok).toBe(true);
  });

  it('refuses a message larger than the limit without parsing it', () => {
    const big = JSON.stringify({ ...valid, payload: 'x'.repeat(2000) });
    const decoded = decodeEnvelope(bytes(big), 1000);
    expect(decoded).toEqual({ ok: false, reason: `${big.length} bytes, more than the limit of 1000` });
  });

  it('measures text in UTF-8 bytes', () => {
    const text = JSON.stringify({ ...valid, payload: 'é'.repeat(400) });
    expect(decodeEnvelope(text, text.length + 10).ok).toBe(false);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(decodeEnvelope(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), LIMIT)).toEqual({ ok: false, reason: 'not valid UTF-8' });
  });
});

describe('parseJson', () => {
  it('parses plain JSON values', () => {
    expect(parseJson('{"a":[1,2]}', LIMIT)).toEqual({ ok: true, value: { a: [1, 2] } });
  });
});
