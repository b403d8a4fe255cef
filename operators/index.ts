/**
 * `rxbus/operators`: RxJS operators usable on any Observable (`ofType`, `matching`, `waitFor`, `rateLimit`, `boundedMerge`, abort helpers).
 *
 * @module rxbus/operators
 */
export { boundedMerge, type BoundedMergeDropReason, type BoundedMergeOptions, type BoundedMergeOverflow } from './bounded-merge.js';
export { fromAbortSignal } from './from-abort-signal.js';
export { matching } from './matching.js';
export { ofType, type OfType } from './of-type.js';
export {
  rateLimit,
  type RateLimitBehaviour,
  type RateLimitOptions,
  type RateLimitOwnOptions,
  type RateLimitSharedOptions,
} from './rate-limit.js';
export {
  createRateLimitController,
  type RateLimitBudget,
  type RateLimitController,
  type RateLimitDrop,
  type RateLimitKey,
  type RateLimitStats,
} from './rate-limit-controller.js';
export { takeUntilAborted, type TakeUntilAbortedOptions } from './take-until-aborted.js';
export { createTokenBucket, type TakeResult, type TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export { waitFor, type WaitForOperatorOptions } from './wait-for.js';
export { BufferFullError, WaitTimeoutError } from '../src/errors.js';
