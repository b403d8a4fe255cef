/**
 * `RxBusModule`: one bus per `forRoot` / `forRootAsync`, built with Nest's
 * `ConfigurableModuleBuilder`. Every provider is a factory with explicit
 * `inject` tokens, so nothing depends on `design:paramtypes` (tsup, esbuild,
 * swc without metadata and Vite all omit it).
 */
import { ConfigurableModuleBuilder, Logger, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { createBus } from '../bus.js';
import type { Bus, AnyEvents } from '../bus-api.js';
import { assertTimeout } from '../validate.js';
import { RxBusLifecycle } from './bus-lifecycle.js';
import { DEFAULT_DRAIN_TIMEOUT, type RxBusModuleExtras, type RxBusModuleOptions } from './options.js';
import { getBusToken } from './tokens.js';

const definition = new ConfigurableModuleBuilder<RxBusModuleOptions>({ moduleName: 'RxBus' })
  .setClassMethodName('forRoot')
  .setExtras<RxBusModuleExtras>({ isGlobal: false, name: undefined }, (module, extras) => withBus(module, extras))
  .build();

/**
 * The module that owns a bus: `forRoot(options)` or `forRootAsync({ imports,
 * useFactory, inject })` creates it with `createBus(options)`, exports it
 * under `getBusToken(name)` (inject with `@InjectBus(name)`), registers the
 * `@OnBusEvent` / `@HandleRequest` methods of every provider at module init,
 * and drains it in `beforeApplicationShutdown`.
 *
 * @example
 * ```ts fragment
 * @Module({
 *   imports: [
 *     RxBusModule.forRoot({ concurrency: 8, isGlobal: true }),
 *     RxBusModule.forRootAsync({ name: 'audit', inject: [ConfigService], useFactory: (config: ConfigService) => ({ capacity: config.get('AUDIT_CAPACITY') }) }),
 *   ],
 *   providers: [Mailer],
 * })
 * class AppModule {}
 * ```
 */
export class RxBusModule extends definition.ConfigurableModuleClass {
  /** The bus with `createBus` defaults when called without options. */
  static override forRoot(options: RxBusModuleRootOptions = {}): DynamicModule {
    return super.forRoot(options);
  }

  /** The bus with options from `useFactory` / `useClass` / `useExisting` (with `inject` and `imports`), e.g. read from a config service. */
  static override forRootAsync(options: RxBusModuleAsyncOptions): DynamicModule {
    return super.forRootAsync(options);
  }
}

/** Options of {@link RxBusModule.forRoot}: the bus's options plus `isGlobal` and `name`. */
export type RxBusModuleRootOptions = typeof definition.OPTIONS_TYPE;
/** Options of {@link RxBusModule.forRootAsync}: `useFactory`/`useClass`/`useExisting`, `inject`, `imports`, plus `isGlobal` and `name`. */
export type RxBusModuleAsyncOptions = typeof definition.ASYNC_OPTIONS_TYPE;

function withBus(module: DynamicModule, extras: RxBusModuleExtras): DynamicModule {
  const token = getBusToken(extras.name);
  const optionsToken = definition.MODULE_OPTIONS_TOKEN;
  const providers: Provider[] = [
    { provide: token, useFactory: (options: RxBusModuleOptions) => createModuleBus(options), inject: [optionsToken] },
    {
      provide: `${token}:lifecycle`,
      useFactory: (
        bus: Bus<AnyEvents>,
        options: RxBusModuleOptions,
        discovery: DiscoveryService,
        scanner: MetadataScanner,
        moduleRef: ModuleRef,
      ) =>
        new RxBusLifecycle(bus, {
          tools: { discovery, scanner, moduleRef },
          logger: loggerOf(options),
          drainTimeout: options.drainTimeout ?? DEFAULT_DRAIN_TIMEOUT,
          name: extras.name,
        }),
      inject: [token, optionsToken, DiscoveryService, MetadataScanner, ModuleRef],
    },
  ];
  return {
    ...module,
    global: extras.isGlobal === true,
    imports: [...(module.imports ?? []), DiscoveryModule],
    providers: [...(module.providers ?? []), ...providers],
    exports: [...(module.exports ?? []), token],
  };
}

function loggerOf(options: RxBusModuleOptions) {
  return options.logger ?? new Logger('RxBus');
}

function createModuleBus(options: RxBusModuleOptions): Bus<AnyEvents> {
  const { drainTimeout, logger: _logger, ...busOptions } = options ?? {};
  if (drainTimeout !== undefined) assertTimeout(drainTimeout, 'drainTimeout');
  const logger = loggerOf(options);
  // Failures nobody observes go to Nest's logger instead of console.error,
  // unless the app chose its own onError.
  const onError =
    busOptions.onError ?? ((error) => logger.error(error.message, error.cause instanceof Error ? error.cause.stack : undefined));
  return createBus<AnyEvents>({ ...busOptions, onError });
}
