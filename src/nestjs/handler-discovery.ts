/**
 * Finds the provider methods decorated with `@OnBusEvent` / `@HandleRequest`
 * for one bus, and turns each into the function the bus calls.
 *
 * A singleton provider's method is called on its one instance. A provider
 * whose instance depends on the request (request scope, or a dependency
 * that has it) or is per-consumer (transient) has no instance to call
 * outside a request, so it is resolved per event: a new context id, with the
 * event registered as its `REQUEST`, and a fresh instance tree for each job.
 */
import type { Type } from '@nestjs/common';
import { ContextIdFactory, ModuleRef, type DiscoveryService, type MetadataScanner } from '@nestjs/core';
import { bindingsOf, type Binding } from './bindings.js';

/** One decorated method, ready to register. */
export interface DiscoveredBinding {
  readonly binding: Binding;
  /** `Class.method`, for error messages and handler names. */
  readonly owner: string;
  /** True when each call resolves a new instance (request-scoped or transient provider). */
  readonly perEvent: boolean;
  /** Calls the method; `request` is what the per-event instance sees as `REQUEST`. */
  readonly invoke: (request: unknown, args: readonly unknown[]) => unknown;
}

/** The parts of Nest's discovery the search needs (injected by explicit tokens). */
export interface DiscoveryTools {
  readonly discovery: DiscoveryService;
  readonly scanner: MetadataScanner;
  readonly moduleRef: ModuleRef;
}

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

/**
 * The decorated methods whose `bus` option is `busName`, in provider then
 * method order.
 *
 * @example
 * ```ts fragment
 * for (const found of discoverBindings(tools, undefined)) register(found);
 * ```
 */
export function discoverBindings(tools: DiscoveryTools, busName: string | undefined): DiscoveredBinding[] {
  const found: DiscoveredBinding[] = [];
  for (const wrapper of tools.discovery.getProviders()) {
    const perEvent = !wrapper.isDependencyTreeStatic() || wrapper.isTransient;
    const prototype = prototypeOf(wrapper, perEvent);
    if (prototype === undefined) continue;
    for (const method of tools.scanner.getAllMethodNames(prototype)) {
      const bindings = bindingsOf((prototype as Record<string, unknown>)[method]);
      if (bindings.length === 0) continue;
      const owner = `${(prototype.constructor as { name?: string } | undefined)?.name || String(wrapper.name)}.${method}`;
      const invoke = perEvent ? resolvingInvoker(tools.moduleRef, wrapper, method) : instanceInvoker(wrapper.instance as object, method);
      for (const binding of bindings) {
        if (binding.bus === busName) found.push({ binding, owner, perEvent, invoke });
      }
    }
  }
  return found;
}

/** Where to look for decorated methods: the instance's prototype, or the class's for providers without a shared instance. */
function prototypeOf(wrapper: Wrapper, perEvent: boolean): object | undefined {
  if (!perEvent) {
    const instance = wrapper.instance as unknown;
    return instance !== null && typeof instance === 'object'
      ? ((Object.getPrototypeOf(instance) as object | null) ?? undefined)
      : undefined;
  }
  // A factory provider's metatype is the factory, not a class: nothing to scan before it runs.
  const metatype = wrapper.metatype as Type | null;
  if (wrapper.inject || typeof metatype !== 'function') return undefined;
  return metatype.prototype as object;
}

function instanceInvoker(instance: object, method: string): DiscoveredBinding['invoke'] {
  const target = instance as Record<string, (...args: unknown[]) => unknown>;
  return (_request, args) => target[method]!(...args);
}

function resolvingInvoker(fallback: ModuleRef, wrapper: Wrapper, method: string): DiscoveredBinding['invoke'] {
  // Resolve within the provider's own module, so two modules providing the
  // same class each get theirs; fall back to a global lookup.
  const hostRef = wrapper.host?.getProviderByKey<ModuleRef>(ModuleRef)?.instance;
  const moduleRef = hostRef ?? fallback;
  return async (request, args) => {
    const contextId = ContextIdFactory.create();
    moduleRef.registerRequestByContextId(request, contextId);
    const instance = await moduleRef.resolve<unknown, Record<string, (...a: unknown[]) => unknown>>(wrapper.token as string, contextId, {
      strict: hostRef !== undefined,
    });
    return instance[method]!(...args);
  };
}
