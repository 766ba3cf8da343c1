/**
 * The admin API's paging (README "Lists at scale"): a JSON array per page, `Link: <…&cursor=…>; rel="next"` while
 * rows follow, and on the first page `X-Total-Count` (with `X-Total-Count-Exact: false` when it is a lower bound).
 */

/** The target of the link with this relation in an RFC 8288 Link header, or null. */
export function linkTarget(header: string | null | undefined, rel = 'next'): string | null {
  if (!header) {
    return null;
  }
  // links are separated by commas outside <…>
  const links = header.match(/<[^>]*>[^,]*/g) ?? [];
  for (const link of links) {
    const target = /^<([^>]*)>/.exec(link)?.[1];
    const params = link.slice(link.indexOf('>') + 1);
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const names = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
    if (target !== undefined && names.includes(rel)) {
      return target;
    }
  }
  return null;
}

/** The `cursor` query parameter of a next link, or null. */
export function cursorOf(link: string | null): string | null {
  if (!link) {
    return null;
  }
  const query = link.includes('?') ? link.slice(link.indexOf('?') + 1) : '';
  return new URLSearchParams(query).get('cursor');
}

export interface Total {
  count: number;
  /** False when the broker only says "at least". */
  exact: boolean;
}

export function totalOf(headers: Headers): Total | null {
  const raw = headers.get('X-Total-Count');
  if (raw === null || !/^\d+$/.test(raw.trim())) {
    return null;
  }
  return { count: Number(raw), exact: headers.get('X-Total-Count-Exact') !== 'false' };
}

export type Filters = Record<string, string | number | boolean | null | undefined>;

/** A list's URL: its filters (empty ones left out, in a stable order), `sort`, `limit` and `cursor`. */
export function listUrl(
  path: string,
  opts: { filters?: Filters; sort?: string | null; limit?: number; cursor?: string | null },
): string {
  const query = new URLSearchParams();
  const filters = opts.filters ?? {};
  for (const key of Object.keys(filters).sort()) {
    const v = filters[key];
    if (v !== undefined && v !== null && v !== '') {
      query.set(key, String(v));
    }
  }
  if (opts.sort) {
    query.set('sort', opts.sort);
  }
  if (opts.limit !== undefined) {
    query.set('limit', String(opts.limit));
  }
  if (opts.cursor) {
    query.set('cursor', opts.cursor);
  }
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

/** "-createdAt" → {key: "createdAt", direction: "desc"}. */
export function parseSort(sort: string | null | undefined): { key: string; direction: 'asc' | 'desc' } | null {
  if (!sort) {
    return null;
  }
  return sort.startsWith('-') ? { key: sort.slice(1), direction: 'desc' } : { key: sort, direction: 'asc' };
}

export function formatSort(key: string, direction: 'asc' | 'desc'): string {
  return direction === 'desc' ? `-${key}` : key;
}

/** "Showing 101–150 of 1,234" (or "of at least 10,000"), from the page's position and the first page's total. */
export function rangeWords(start: number, rows: number, total: Total | null): string {
  if (rows === 0) {
    return 'No rows';
  }
  const fmt = (n: number) => n.toLocaleString('en-GB');
  const range = `${fmt(start + 1)}–${fmt(start + rows)}`;
  if (!total) {
    return `Showing ${range}`;
  }
  return `Showing ${range} of ${total.exact ? '' : 'at least '}${fmt(total.count)}`;
}
