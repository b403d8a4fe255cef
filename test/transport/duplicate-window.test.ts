import { describe, expect, it } from 'vitest';
import { DuplicateWindow } from '../../src/transport/duplicate-window.js';

describe('DuplicateWindow', () => {
  it('tells a new identity, one in delivery and one delivered apart', () => {
    const window = new DuplicateWindow(10);
    expect(window.check('a', 1)).toBe('new');
    expect(window.check('a', 1)).toBe('pending');
    window.done('a', 1);
    expect(window.check('a', 1)).toBe('done');
    expect(window.check('b', 1)).toBe('new');
  });

  it('forgets a failed delivery so its redelivery is new', () => {
    const window = new DuplicateWindow(10);
    window.check('a', 1);
    window.forget('a', 1);
    expect(window.check('a', 1)).toBe('new');
  });

  it('keeps at most size identities, dropping the oldest', () => {
    const window = new DuplicateWindow(3);
    for (let id = 1; id <= 5; id++) window.check('a', id);
    expect(window.length).toBe(3);
    expect(window.check('a', 5)).toBe('pending');
    expect(window.check('a', 1)).toBe('new');
  });

  it('never confuses origins that end in digits with ids', () => {
    const window = new DuplicateWindow(10);
    window.check('a#1', 2);
    expect(window.check('a', 12)).toBe('new');
    expect(window.check('a#12', 2)).toBe('new');
  });
});
