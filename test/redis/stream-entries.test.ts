import { describe, expect, it } from 'vitest';
import { autoClaimReply, claimReply, deliveryCounts, fieldOf, readReply } from '../../src/redis/stream-entries.js';

const entry = ['1-0', ['topic', 't', 'data', '{}']];

describe('stream replies', () => {
  it('reads XREADGROUP replies nested per stream (RESP2) or already unwrapped, and a timed-out block', () => {
    expect(readReply([['k', [entry]]])).toEqual([{ id: '1-0', fields: ['topic', 't', 'data', '{}'] }]);
    expect(readReply(['k', [entry]])).toEqual([{ id: '1-0', fields: ['topic', 't', 'data', '{}'] }]);
    expect(readReply(null)).toEqual([]);
  });

  it('reads XAUTOCLAIM and XCLAIM replies, with deleted entries as null fields', () => {
    expect(autoClaimReply(['5-0', [entry, ['2-0', null]], []])).toEqual({
      cursor: '5-0',
      entries: [
        { id: '1-0', fields: ['topic', 't', 'data', '{}'] },
        { id: '2-0', fields: null },
      ],
    });
    expect(claimReply([entry])).toHaveLength(1);
    expect(autoClaimReply('nonsense')).toEqual({ cursor: '0-0', entries: [] });
  });

  it('skips what is not shaped like an entry instead of throwing', () => {
    expect(readReply([['k', [42, [null, ['a']], [7, []], entry]]])).toEqual([{ id: '1-0', fields: ['topic', 't', 'data', '{}'] }]);
    expect(deliveryCounts([['1-0', 'c', 10, 3], ['bad'], 'x']).get('1-0')).toBe(3);
    expect(deliveryCounts(null).size).toBe(0);
  });

  it('finds a field by name in a flat field list', () => {
    expect(fieldOf(['topic', 't', 'data', '{}'], 'data')).toBe('{}');
    expect(fieldOf(['topic', 't', 'data'], 'data')).toBeUndefined();
    expect(fieldOf([], 'topic')).toBeUndefined();
  });
});
