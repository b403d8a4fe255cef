/**
 * The bus's part in a Nest app's lifecycle: its decorated handlers are
 * registered at module init, and it drains at shutdown.
 *
 * Registration happens in `onModuleInit` of `RxBusModule`, which Nest runs
 * before the `onModuleInit` of every module that imports it (and, for a
 * global module, before every non-global one), before
 * `onApplicationBootstrap` and before `listen()`: an event published from
 * any of those already finds its handlers.
 *
 * The drain happens in `beforeApplicationShutdown`: after every
 * `onModuleDestroy`, before the HTTP server closes and before any
 * `onApplicationShutdown` (where database modules close their pools). The bus
 * stops admission at once (`publish`/`emit` throw `BusClosedError`, waiters
 * reject), the jobs already admitted finish, and the hook returns; at the
 * drain timeout the jobs left are cancelled and the logger names them.
 */
import type { BeforeApplicationShutdown, LoggerService, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { AnyEvents, Bus } from '../bus-api.js';
import { CloseTimeoutError } from '../errors.js';
import { DuplicateRequestHandlerError } from './errors.js';
import { discoverBindings, type DiscoveredBinding, type DiscoveryTools } from './handler-discovery.js';

/**
 * Registers one bus's decorated handlers and drains it at shutdown. Created
 * by `RxBusModule`; apps do not use it directly.
 *
 * @example
 * ```ts fragment
 * const lifecycle = new RxBusLifecycle(bus, { tools, logger, drainTimeout: 10_000, name: undefined });
 * lifecycle.onModuleInit();
 * await lifecycle.beforeApplicationShutdown('SIGTERM');
 * ```
 */
export class RxBusLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  readonly #subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: Bus<AnyEvents>,
    private readonly settings: {
      readonly tools: DiscoveryTools;
      readonly logger: LoggerService;
      readonly drainTimeout: number;
      readonly name: string | undefined;
    },
  ) {}

  onModuleInit(): void {
    const found = discoverBindings(this.settings.tools, this.settings.name);
    // Every duplicate is found before anything is registered: a failed
    // start-up leaves no half-wired bus behind.
    const responders = new Map<string, string>();
    for (const { binding, owner } of found) {
      if (binding.kind !== 'request') continue;
      const first = responders.get(binding.type);
      if (first !== undefined) throw new DuplicateRequestHandlerError({ type: binding.type, handlers: [first, owner] });
      responders.set(binding.type, owner);
    }
    for (const entry of found) this.#subscriptions.push(this.#register(entry));
    const perEvent = found.filter((entry) => entry.perEvent).map((entry) => entry.owner);
    if (perEvent.length > 0) {
      this.settings.logger.log?.(`Request-scoped or transient handlers, resolved per event: ${[...new Set(perEvent)].join(', ')}`);
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const { bus } = this;
    if (bus.closed) return;
    const { logger, drainTimeout } = this.settings;
    const { running, queued } = bus.stats();
    if (running + queued > 0) {
      const limit = drainTimeout === 0 ? 'no time limit' : `up to ${drainTimeout} ms`;
      logger.log(`Draining ${running} running and ${queued} queued handler job(s)${signal ? ` on ${signal}` : ''}, ${limit}`);
    }
    try {
      await bus.close({ drain: true, timeout: drainTimeout });
    } catch (error) {
      // The bus is closed either way; throwing here would stop Nest's
      // shutdown half-way (HTTP server open, onApplicationShutdown not run).
      if (!(error instanceof CloseTimeoutError)) throw error;
      logger.error(`Shutdown drain timed out: ${error.message}`);
    }
  }

  #register({ binding, owner, perEvent, invoke }: DiscoveredBinding): Subscription {
    if (binding.kind === 'request') {
      // Per-event instances see { type, payload } as REQUEST (a responder gets no envelope).
      const { type } = binding;
      return this.bus.handle(
        type,
        (payload, context) => invoke(perEvent ? { type, payload } : payload, [payload, context]),
        binding.options,
      );
    }
    return this.bus.on(binding.pattern, (payload, event, context) => invoke(event, [payload, event, context]), {
      ...binding.options,
      name: owner,
    });
  }
}
