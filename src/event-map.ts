/**
 * The types that let one event map drive inference end to end: which event
 * types exist, which payload each carries, and which types a `*` / `**`
 * pattern can match.
 */

/**
 * An event map: event type → payload type. Declare it as a `type` or an
 * `interface`; both work.
 *
 * @example
 * ```ts
 * type AppEvents = {
 *   'page.response': { url: string; status: number };
 *   'order.created': { id: string; total: number };
 *   'app.ready': void;
 * };
 * ```
 */
export type EventMap = object;

/** The event type names of an event map. */
export type EventType<E extends EventMap> = keyof E & string;

/**
 * The envelope every event travels in.
 *
 * @example
 * ```ts
 * bus.events$('order.created').subscribe((e) => console.log(e.id, e.time, e.payload.total));
 * ```
 */
export interface BusEvent<K extends string = string, P = unknown> {
  /** The event type, e.g. `'order.created'`. */
  readonly type: K;
  /** The payload as published (not copied). */
  readonly payload: P;
  /** Unique per bus, increasing in publish order. */
  readonly id: number;
  /**
   * When it was published, in ms of the bus's scheduler: that scheduler's
   * `now()` (exact) when the bus has one of its own; with the default
   * `asyncScheduler`, one `Date.now()` reading shared by up to 16 events
   * published in a row in one synchronous run (docs/events.md, "What `time`
   * means"). Order events by `id`, not `time`.
   */
  readonly time: number;
}

/** The envelope union of the given types: narrowing on `type` narrows `payload`. */
export type EventOf<E extends EventMap, K extends EventType<E> = EventType<E>> = K extends EventType<E> ? BusEvent<K, E[K]> : never;

/**
 * The rest arguments of `publish(type, ...)`: the payload may be left out
 * when the event's payload type accepts `undefined` (e.g. `void`).
 */
export type PayloadArgs<P> = undefined extends P ? [payload?: P] : [payload: P];

// ---------------------------------------------------------------------------
// Pattern typing: the same `*` / `**` rules as pattern.ts, at the type level.

type Segments<S extends string> = S extends `${infer Head}.${infer Rest}` ? [Head, ...Segments<Rest>] : [S];

type MatchSegments<P extends readonly string[], T extends readonly string[]> = P extends readonly [
  infer PH extends string,
  ...infer PR extends string[],
]
  ? PH extends '**'
    ? T extends readonly [infer TH extends string, ...infer TR extends string[]]
      ? TH extends ''
        ? false
        : MatchSegments<PR, TR> extends true
          ? true
          : MatchSegments<P, TR>
      : false
    : T extends readonly [infer TH extends string, ...infer TR extends string[]]
      ? PH extends '*'
        ? TH extends ''
          ? false
          : MatchSegments<PR, TR>
        : PH extends TH
          ? MatchSegments<PR, TR>
          : false
      : false
  : T extends readonly []
    ? true
    : false;

/** `true` when pattern P may match event type K (always, when either is not a literal). */
export type PatternMatches<P extends string, K extends string> = string extends P
  ? true
  : string extends K
    ? true
    : MatchSegments<Segments<P>, Segments<K>>;

/**
 * The event types of `E` that `pattern` P matches (all of them when P is not a
 * literal). For a union of patterns, the types any of them matches.
 */
export type TypesMatching<E extends EventMap, P extends string> = {
  // `true extends`, not `extends true`: for a union P, PatternMatches is
  // `boolean` when some members match K and others do not.
  [K in EventType<E>]: true extends PatternMatches<P, K> ? K : never;
}[EventType<E>];

/**
 * `unknown` when pattern P matches at least one event type of E (or is not a
 * literal), `never` otherwise: intersected with a pattern parameter, it turns
 * a typo such as `'ordr.*'` into a compile error.
 */
export type KnownPattern<E extends EventMap, P extends string> = [TypesMatching<E, P>] extends [never] ? never : unknown;

/**
 * The wildcard patterns a type suggests: `'page.request.sent'` →
 * `'page.**'`, `'page.request.*'`, `'page.request.**'`.
 */
type WildcardsOf<K extends string> = K extends `${infer Head}.${infer Rest}`
  ? `${Head}.**` | (Rest extends `${string}.${string}` ? never : `${Head}.*`) | `${Head}.${WildcardsOf<Rest>}`
  : never;

/**
 * The patterns a compile error offers for a pattern that matches no event
 * type: every type, the `*`/`**` patterns of its prefixes, and `'**'`.
 * TypeScript prints the list (and often "Did you mean …?") instead of
 * `never`.
 */
export type PatternSuggestions<E extends EventMap> = { [K in EventType<E>]: K | WildcardsOf<K> }[EventType<E>] | '**';

/**
 * A pattern parameter that accepts P when it matches at least one event
 * type of E (any string, when P is not a literal). For a typo, the
 * parameter becomes {@link PatternSuggestions}, so the error lists the
 * valid patterns. Distributes over a union, so each pattern of an array is
 * checked on its own.
 */
export type CheckedPattern<E extends EventMap, P extends string> = P extends string
  ? [TypesMatching<E, P>] extends [never]
    ? // PatternSuggestions<E>, spelled out: through the alias, TypeScript would print its name, not the list.
      { [K in EventType<E>]: K | WildcardsOf<K> }[EventType<E>] | '**'
    : P
  : never;

/**
 * An event type parameter that accepts K when it is a type of E. For a
 * typo, the parameter becomes the list of the map's types, so the error
 * names them instead of printing the whole event map.
 */
export type CheckedType<E extends EventMap, K extends string> = K extends EventType<E> ? K : { [T in EventType<E>]: T }[EventType<E>];

/** The envelope union of the events a pattern matches. */
export type EventMatching<E extends EventMap, P extends string> = EventOf<E, TypesMatching<E, P>>;

/** The payload union of the events a pattern matches. */
export type PayloadMatching<E extends EventMap, P extends string> = E[TypesMatching<E, P>];

// ---------------------------------------------------------------------------
// Request / reply typing: a request type is declared in the event map with the
// `RequestEvent<Req, Res>` marker; the bus's events then carry `Req` under that
// type, and the reply travels as a `$reply.<type>` event.

declare const requestMarker: unique symbol;

/**
 * Marks an event type as a request with payload `Req` answered by a `Res`.
 * Only a type: no value of it ever exists.
 *
 * @example
 * ```ts
 * type AppEvents = {
 *   'user.get': RequestEvent<{ id: string }, { id: string; name: string }>;
 *   'user.renamed': { id: string; name: string };
 * };
 * const bus = createBus<AppEvents>();
 * bus.handle('user.get', ({ id }) => users.load(id));
 * const user = await bus.request('user.get', { id: '7' }); // { id: string; name: string }
 * ```
 */
export interface RequestEvent<Req, Res> {
  readonly [requestMarker]: { readonly request: Req; readonly reply: Res };
}

/**
 * The former name of {@link RequestEvent}. It shadows the Fetch API's global
 * `Request` in any module that imports it (`TS2314: Generic type 'Request'
 * requires 2 type argument(s)` where `fetch`'s `Request` is meant).
 *
 * @deprecated Use `RequestEvent<Req, Res>`; this alias goes away before 1.0.
 * @example
 * ```ts
 * type Old = { 'user.get': Request<{ id: string }, User> }; // same as RequestEvent
 * ```
 */
export type Request<Req, Res> = RequestEvent<Req, Res>;

/** The request types of an event map (any string for an untyped bus). */
export type RequestType<E extends EventMap> = string extends keyof E
  ? string
  : { [K in EventType<E>]: E[K] extends RequestEvent<unknown, unknown> ? K : never }[EventType<E>];

/** The request payload of a request type. */
export type RequestOf<E extends EventMap, K extends string> = K extends keyof E
  ? E[K] extends RequestEvent<infer Req, unknown>
    ? Req
    : E[K]
  : unknown;

/** The reply of a request type. */
export type ReplyOf<E extends EventMap, K extends string> = K extends keyof E
  ? E[K] extends RequestEvent<unknown, infer Res>
    ? Res
    : unknown
  : unknown;

/**
 * The payload of a `$reply.<type>` event: the request's id (the id of the
 * request event) and either the reply or the responder's error.
 *
 * @example
 * ```ts
 * bus.events$('$reply.user.get').subscribe(({ payload }) => {
 *   if (payload.ok) console.log(payload.requestId, payload.reply.name);
 * });
 * ```
 */
export type ReplyPayload<Res> =
  | { readonly requestId: number; readonly ok: true; readonly reply: Res }
  | { readonly requestId: number; readonly ok: false; readonly error: unknown };

/** The reserved event type that carries replies to requests of type K. */
export type ReplyType<K extends string> = `$reply.${K}`;

/**
 * The events a bus actually carries for event map E: request types carry
 * their request payload, and each request type adds its `$reply.<type>` event.
 */
export type PublicEvents<E extends EventMap> = string extends keyof E
  ? E
  : { [K in keyof E]: E[K] extends RequestEvent<infer Req, unknown> ? Req : E[K] } & {
      [K in RequestType<E> as ReplyType<K>]: ReplyPayload<ReplyOf<E, K>>;
    };
