/**
 * `rxbus`: the core. `createBus`, `createCoordinator`, the error classes and the types they use.
 *
 * @module rxbus
 */
export {
  createBus,
  type AnyEvents,
  type Bus,
  type BusOptions,
  type BusStats,
  type CloseOptions,
  type DroppedJob,
  type EmitArgs,
  type EmitOptions,
  type HandleOptions,
  type OnOptions,
  type RequestOptions,
  type OverflowPolicy,
  type SettledOptions,
} from './bus.js';
export type { BusSubscription } from './disposable-subscription.js';
export type { EventIterator, IterateOptions } from './iterate.js';
export type { Delivery } from './delivery.js';
export type { HandlerContext } from './pool.js';
export type { DropReason } from './pool.js';
export {
  createCoordinator,
  replaceState,
  type Command,
  type CommandMethod,
  type CommandReply,
  type Commands,
  type Coordinator,
  type CoordinatorCloseOptions,
  type CoordinatorOptions,
  type ReservedCommandName,
  type StateReplacement,
} from './coordinator.js';
export {
  BridgeError,
  BufferFullError,
  BusClosedError,
  CloseTimeoutError,
  CommandDroppedError,
  CommandQueueFullError,
  CoordinatorClosedError,
  DuplicateResponderError,
  HandlerError,
  HistoryGapError,
  IteratorFullError,
  JobTimeoutError,
  NoResponderError,
  QueueFullError,
  RemoteError,
  RequestTimeoutError,
  RxBusError,
  SettleTimeoutError,
  WaitTimeoutError,
  type BridgeErrorReason,
  type NearMiss,
  type UnsettledWork,
} from './errors.js';
export type {
  BusEvent,
  CheckedPattern,
  CheckedType,
  EventMap,
  EventMatching,
  EventOf,
  EventType,
  KnownPattern,
  PatternMatches,
  PayloadArgs,
  PatternSuggestions,
  PayloadMatching,
  PublicEvents,
  ReplyOf,
  ReplyPayload,
  ReplyType,
  Request,
  RequestEvent,
  RequestOf,
  RequestType,
  TypesMatching,
} from './event-map.js';
// The matcher and pattern compilers stay internal: `matching` and `ofType`
// (rxbus/operators) are their public form, with the same semantics.
export type { FieldMatcher, Matcher, MatchPredicate, ObjectMatcher } from './matcher.js';
export type { Cursor, WaitForOptions } from './waiter.js';
