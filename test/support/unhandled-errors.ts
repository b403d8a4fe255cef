/**
 * Capture of RxJS's global unhandled-error hook (`config.onUnhandledError`):
 * an error thrown by a subscriber's own callback reaches that hook on a timer
 * of its own, and would otherwise crash the run. One capture at a time; its
 * `restore()` puts back whatever hook was there before.
 */
import { config } from 'rxjs';

/** An installed capture, from {@link captureUnhandledErrors}. */
export interface UnhandledErrorCapture {
  /** What reached the hook since the capture was installed, in order. */
  readonly reported: unknown[];
  /** Puts back the hook that was installed before. */
  restore(): void;
}

/**
 * Routes `config.onUnhandledError` to `reported` (and to `onError`, when
 * given) until `restore()`.
 */
export function captureUnhandledErrors(onError?: (error: unknown) => void): UnhandledErrorCapture {
  const previous = config.onUnhandledError;
  const reported: unknown[] = [];
  config.onUnhandledError = (error) => {
    reported.push(error);
    onError?.(error);
  };
  return {
    reported,
    restore: () => {
      config.onUnhandledError = previous;
    },
  };
}
