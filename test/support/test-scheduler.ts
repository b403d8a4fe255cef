/**
 * The RxJS `TestScheduler` the marble tests share: it compares frames with
 * vitest's deep equality, so a failing marble shows a readable diff.
 */
import { TestScheduler } from 'rxjs/testing';
import { beforeEach, expect } from 'vitest';

/** A `TestScheduler` that asserts marbles with `expect(actual).toEqual(expected)`. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/**
 * Gives each test of the enclosing `describe` a fresh {@link createTestScheduler}
 * (registered with `beforeEach`); call the returned function to reach it.
 */
export function useTestScheduler(): () => TestScheduler {
  let current: TestScheduler | undefined;
  beforeEach(() => {
    current = createTestScheduler();
  });
  return () => {
    if (current === undefined) throw new Error('useTestScheduler(): the scheduler exists only inside a test');
    return current;
  };
}
