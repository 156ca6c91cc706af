/**
 * Rewrites `@name` and `?` placeholders as PostgreSQL's `$1, $2…`, skipping string literals, quoted identifiers and
 * comments. The same name used twice gets the same number.
 */
export interface Translated {
  text: string;
  /** per $n: the parameter's name, or its position for `?` */
  order: (string | number)[];
}

const cache = new Map<string, Translated>();

export function toPostgres(query: string): Translated {
  const hit = cache.get(query);
  if (hit) return hit;
  let text = '';
  const order: (string | number)[] = [];
  const byName = new Map<string, number>();
  let positional = 0;
  let i = 0;
  while (i < query.length) {
    const c = query[i];
    if (c === "'" || c === '"') {
      const end = closingQuote(query, i, c);
      text += query.slice(i, end);
      i = end;
    } else if (c === '-' && query[i + 1] === '-') {
      const end = query.indexOf('\n', i);
      const stop = end === -1 ? query.length : end;
      text += query.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      order.push(positional++);
      text += `$${order.length}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(query[i + 1] ?? '')) {
      const name = /^[A-Za-z_]\w*/.exec(query.slice(i + 1))![0];
      let n = byName.get(name);
      if (n === undefined) {
        order.push(name);
        n = order.length;
        byName.set(name, n);
      }
      text += `$${n}`;
      i += 1 + name.length;
    } else {
      text += c;
      i++;
    }
  }
  const out = { text, order };
  if (cache.size < 5000) cache.set(query, out);
  return out;
}

function closingQuote(s: string, start: number, q: string): number {
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === q) {
      if (s[i + 1] === q) i += 2;
      else return i + 1;
    } else i++;
  }
  return s.length;
}

/** The values for `$1…$n` in order; a named parameter the query needs but params lack is an error, as on SQLite. */
export function bindValues(t: Translated, params: object | undefined): unknown[] {
  return t.order.map((key) => {
    if (typeof key === 'number') {
      if (!Array.isArray(params) || key >= params.length) throw new RangeError(`missing positional parameter ${key + 1}`);
      return normalise(params[key]);
    }
    const obj = (Array.isArray(params) ? params[0] : params) as Record<string, unknown> | undefined;
    if (!obj || !(key in obj)) throw new RangeError(`missing named parameter "${key}"`);
    return normalise(obj[key]);
  });
}

const normalise = (v: unknown): unknown => (v === undefined ? null : v);
