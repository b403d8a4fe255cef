/**
 * Short, safe renderings of arbitrary values for error messages: never throws
 * (cycles, getters that throw, BigInt, symbols), never grows without bound.
 */

const DEFAULT_LIMIT = 120;

/** Quotes a string on one line: line breaks are escaped, not printed. */
const quote = (s: string): string => `'${s.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

/**
 * Renders a value as a one-line, truncated, JavaScript-like literal.
 *
 * @example
 * ```ts
 * describeValue({ url: '/api/users', status: 500 }); // "{ url: '/api/users', status: 500 }"
 * ```
 */
export function describeValue(value: unknown, limit = DEFAULT_LIMIT): string {
  const out: string[] = [];
  let length = 0;
  const seen = new Set<object>();
  // Emits pieces until the limit is passed, then stops walking: rendering a
  // huge payload costs O(limit), not O(payload).
  const emit = (piece: string): boolean => {
    out.push(piece);
    length += piece.length;
    return length <= limit;
  };
  const walk = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        return emit(quote(v.length > limit ? v.slice(0, limit) : v));
      case 'number':
      case 'boolean':
      case 'undefined':
        return emit(Object.is(v, -0) ? '-0' : String(v));
      case 'bigint':
        return emit(`${v}n`);
      case 'symbol':
        return emit(v.toString());
      case 'function':
        return emit(v.name ? `[Function ${v.name}]` : '[Function]');
    }
    if (v === null) return emit('null');
    const obj = v as object;
    if (obj instanceof RegExp) return emit(String(obj));
    if (obj instanceof Date) return emit(Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString());
    // Errors, Maps and Sets keep their content out of own enumerable keys:
    // without these cases a near miss would read `Map{}` or `Error{}`.
    if (obj instanceof Error) return emit(`${obj.name}: ${obj.message.length > limit ? obj.message.slice(0, limit) : obj.message}`);
    if (seen.has(obj)) return emit('[Circular]');
    if (depth > 4) return emit(Array.isArray(obj) ? '[…]' : '{…}');
    seen.add(obj);
    try {
      if (Array.isArray(obj)) {
        if (!emit('[')) return false;
        for (let i = 0; i < obj.length; i++) {
          if (i > 0 && !emit(', ')) return false;
          if (!walk(obj[i], depth + 1)) return false;
        }
        return emit(']');
      }
      if (obj instanceof Map || obj instanceof Set) {
        const head = `${obj instanceof Map ? 'Map' : 'Set'}(${obj.size})`;
        if (obj.size === 0) return emit(`${head} {}`);
        if (!emit(`${head} { `)) return false;
        let first = true;
        for (const entry of obj instanceof Map ? obj.entries() : obj.values()) {
          if (!first && !emit(', ')) return false;
          first = false;
          if (obj instanceof Map) {
            const [key, item] = entry as [unknown, unknown];
            if (!walk(key, depth + 1) || !emit(' => ') || !walk(item, depth + 1)) return false;
          } else if (!walk(entry, depth + 1)) return false;
        }
        return emit(' }');
      }
      const keys = Object.keys(obj);
      const name = className(obj);
      if (keys.length === 0) return emit(`${name}{}`);
      if (!emit(`${name}{ `)) return false;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0 && !emit(', ')) return false;
        if (!emit(/^[A-Za-z_$][\w$]*$/.test(key) ? `${key}: ` : `${quote(key)}: `)) return false;
        let child: unknown;
        try {
          child = (obj as Record<string, unknown>)[key];
        } catch {
          // A marker, not a string: it must not look like the value '[getter threw]'.
          if (!emit('[getter threw]')) return false;
          continue;
        }
        if (!walk(child, depth + 1)) return false;
      }
      return emit(' }');
    } finally {
      seen.delete(obj);
    }
  };
  walk(value, 0);
  const text = out.join('');
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** `'Foo '` for an instance of class Foo, `''` for plain objects (or when it cannot be told). */
function className(obj: object): string {
  try {
    // The class comes from the prototype: an own `constructor` field is
    // payload data (and may be a getter that throws).
    const ctor = (Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null)?.constructor;
    return ctor && ctor !== Object && typeof ctor.name === 'string' && ctor.name ? `${ctor.name} ` : '';
  } catch {
    return '';
  }
}
