// rxbus/nestjs: the bus as a NestJS module, decorated handlers and responders, and a drain on shutdown.
export { RxBusModule, type RxBusModuleAsyncOptions, type RxBusModuleRootOptions } from './module.js';
export type { RxBusModuleExtras, RxBusModuleOptions } from './options.js';
export { OnBusEvent } from './on-bus-event.js';
export { HandleRequest } from './handle-request.js';
export type { HandleRequestOptions, OnBusEventOptions } from './bindings.js';
export { InjectBus } from './inject-bus.js';
export { getBusToken } from './tokens.js';
export { DuplicateRequestHandlerError } from './errors.js';
