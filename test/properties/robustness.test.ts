/**
 * Hostile input (CONTRACT: Re-entrancy and robustness): failures of any
 * value (null, null-prototype objects, revoked Proxies, errors whose message
 * throws) become `HandlerError`s; payloads whose fields throw, thenable
 * matchers and consumers that try to change an envelope affect only
 * themselves; the bus never throws at a caller for someone else's fault.
 */
import { describe, it } from 'vitest';
import { checkInterleavings, PROPERTY_TIMEOUT } from './interleavings.js';
import { mix } from './operations.js';

describe('hostile values under random interleavings', () => {
  it(
    'reports every failure once, keeps envelopes read-only, and throws nothing unexpected',
    () =>
      checkInterleavings(
        'robustness',
        ['robustness'],
        mix({
          hostile: true,
          weights: { on: 6, stream: 4, waitFor: 6, publish: 6, emit: 2, advance: 3, request: 1, handle: 1 },
          only: true,
        }),
      ),
    PROPERTY_TIMEOUT,
  );
});
