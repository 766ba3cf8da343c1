import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { humanError, type HumanProblem } from '../problems/problemMessages';
import type { AdminClient } from './adminApi';
import { listUrl, type Filters, type Total } from './paging';

export interface ServerList<T> {
  rows: T[];
  /** From the first page of the current filters and sort. */
  total: Total | null;
  /** Rows before this page. */
  offset: number;
  loading: boolean;
  problem: HumanProblem | null;
  hasNext: boolean;
  hasPrevious: boolean;
  nextPage(): void;
  previousPage(): void;
  reload(): void;
}

/**
 * A server-side paged list: the first page from the path, filters, sort and limit; the next ones by following
 * the broker's `rel="next"` link (keyset pages: a cursor, never an offset), the previous ones by going back to the
 * links already followed. New filters or a new sort start again from the first page.
 */
export function useServerList<T>(
  client: AdminClient,
  path: string | null,
  opts: { filters?: Filters; sort?: string | null; limit?: number },
): ServerList<T> {
  const first = useMemo(
    () => (path ? listUrl(path, { filters: opts.filters, sort: opts.sort, limit: opts.limit ?? 50 }) : null),
    // the filters are compared by value
    [path, JSON.stringify(opts.filters ?? {}), opts.sort, opts.limit],
  );
  const [trail, setTrail] = useState<{ urls: string[]; counts: number[] }>({ urls: [], counts: [] });
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState<Total | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [generation, setGeneration] = useState(0);
  const request = useRef(0);

  // a new first page (filters, sort, tenant) starts the trail again
  useEffect(() => {
    setTrail(first ? { urls: [first], counts: [] } : { urls: [], counts: [] });
    setTotal(null);
  }, [first, client]);

  const current = trail.urls[trail.urls.length - 1];

  useEffect(() => {
    if (!current) {
      return;
    }
    const mine = ++request.current;
    setLoading(true);
    client
      .page<T>(current)
      .then((page) => {
        if (mine !== request.current) {
          return;
        }
        setRows(page.rows);
        setNext(page.next);
        if (trail.urls.length === 1) {
          setTotal(page.total);
        }
        setProblem(null);
      })
      .catch((e: unknown) => {
        if (mine === request.current) {
          setRows([]);
          setNext(null);
          setProblem(humanError(e, 'admin'));
        }
      })
      .finally(() => {
        if (mine === request.current) {
          setLoading(false);
        }
      });
  }, [current, client, generation]);

  const nextPage = useCallback(() => {
    if (next && !loading) {
      setTrail((t) => ({ urls: [...t.urls, next], counts: [...t.counts, rows.length] }));
    }
  }, [next, loading, rows.length]);

  const previousPage = useCallback(() => {
    setTrail((t) => (t.urls.length > 1 ? { urls: t.urls.slice(0, -1), counts: t.counts.slice(0, -1) } : t));
  }, []);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return {
    rows,
    total,
    offset: trail.counts.reduce((a, b) => a + b, 0),
    loading,
    problem,
    hasNext: !!next,
    hasPrevious: trail.urls.length > 1,
    nextPage,
    previousPage,
    reload,
  };
}
