import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * A list's filters and sort kept in the page's query string, so that a filtered list can be linked to
 * (e.g. the sessions of a user) and survives a reload. Only the named keys are read.
 */
export function useUrlFilters<K extends string>(keys: readonly K[], defaultSort: string) {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const out = {} as Record<K, string>;
    for (const k of keys) {
      out[k] = params.get(k) ?? '';
    }
    return out;
    // keys are constant per page
    // (params changes identity on every navigation)
  }, [params, keys]);
  const sort = params.get('sort') || defaultSort;

  const setFilter = useCallback(
    (key: K | 'sort', value: string) => {
      setParams(
        (p) => {
          const n = new URLSearchParams(p);
          if (value) {
            n.set(key, value);
          } else {
            n.delete(key);
          }
          return n;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const clear = useCallback(() => {
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        keys.forEach((k) => n.delete(k));
        return n;
      },
      { replace: true },
    );
  }, [setParams, keys]);

  const active = keys.some((k) => filters[k] !== '');
  return { filters, sort, setFilter, setSort: (s: string) => setFilter('sort', s), clear, active };
}

/** The same as {@link useUrlFilters}, kept in the component (for a page with more than one list). */
export function useLocalFilters<K extends string>(keys: readonly K[], defaultSort: string) {
  const blank = () => Object.fromEntries(keys.map((k) => [k, ''])) as Record<K, string>;
  const [filters, setFilters] = useState<Record<K, string>>(blank);
  const [sort, setSort] = useState(defaultSort);
  const setFilter = useCallback((key: K | 'sort', value: string) => {
    if (key === 'sort') {
      setSort(value || defaultSort);
    } else {
      setFilters((f) => ({ ...f, [key]: value }));
    }
  }, [defaultSort]);
  const clear = useCallback(() => setFilters(blank()), []);
  const active = keys.some((k) => filters[k] !== '');
  return { filters, sort, setFilter, setSort, clear, active };
}
