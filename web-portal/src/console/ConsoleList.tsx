import { useCallback, useState, type ReactNode } from 'react';
import { Alert, AlertActionCloseButton } from '@patternfly/react-core';

import { humanError, type HumanProblem } from '../problems/problemMessages';
import type { AdminClient } from './adminApi';
import { useConsole } from './ConsoleContext';
import { PagedTable, type Column, type EmptyWords, type RowSelection } from './PagedTable';
import type { Filters } from './paging';
import { useServerList, type ServerList } from './useServerList';
import { useLocalFilters, useUrlFilters } from './useUrlFilters';

/** The filter keys of a list, from its constant array: `FilterKey<typeof FILTERS>`. */
export type FilterKey<A extends readonly string[]> = A[number];

/** A list's filters and sort, and how to change them (kept in the URL, or in the component). */
export type ListFilters<K extends string> = ReturnType<typeof useUrlFilters<K>>;

/** What a list page works with: the tenant's client, the filters and sort, the server's pages. */
export interface ConsoleListState<T, K extends string> {
  client: AdminClient;
  filters: ListFilters<K>;
  list: ServerList<T>;
}

export interface ConsoleListOptions<K extends string> {
  /** The query sent for the filters, when it is not the filters as they are (e.g. "ALL" → liveOnly=false). */
  query?(filters: Record<K, string>): Filters;
  /** Keep the filters in the component instead of the URL (a page with more than one list, a dialog). */
  local?: boolean;
  limit?: number;
}

/**
 * The state of one of the console's server-side lists: the filters (`keys`) and sort in the page's URL (or, with
 * `local`, in the component), and the broker's pages of `path` for them, in the tenant the console acts in.
 * `path` null reads nothing (yet).
 */
export function useConsoleList<T, K extends string>(
  path: string | null,
  keys: readonly K[],
  defaultSort: string,
  options: ConsoleListOptions<K> = {},
): ConsoleListState<T, K> {
  const { client } = useConsole();
  // both are called on every render (hooks keep their order); `local` is fixed for a list's lifetime
  const inUrl = useUrlFilters(keys, defaultSort);
  const inComponent = useLocalFilters(keys, defaultSort);
  const filters = options.local ? inComponent : inUrl;
  const query = options.query ? options.query(filters.filters) : filters.filters;
  const list = useServerList<T>(client, path, { filters: query, sort: filters.sort, limit: options.limit });
  return { client, filters, list };
}

/** The outcome of the last action on a list, shown above it until it is closed or replaced. */
export interface Notice {
  title: string;
  variant: 'success' | 'warning' | 'info';
  /** More words under the title (e.g. the objects an action was refused for). */
  body?: ReactNode;
  testId?: string;
}

export interface NoticeState {
  notice: Notice | null;
  show(title: string, more?: Partial<Omit<Notice, 'title'>>): void;
  clear(): void;
}

export function useNotice(): NoticeState {
  const [notice, setNotice] = useState<Notice | null>(null);
  const show = useCallback((title: string, more?: Partial<Omit<Notice, 'title'>>) => setNotice({ title, variant: 'success', ...more }), []);
  const clear = useCallback(() => setNotice(null), []);
  return { notice, show, clear };
}

/** A notice as an inline alert that screen readers announce, with a close button. */
export function NoticeAlert({ notice, onClose, className = 'pf-v6-u-mb-md' }: { notice: Notice | null; onClose(): void; className?: string }) {
  if (!notice) {
    return null;
  }
  return (
    <Alert
      variant={notice.variant}
      isInline
      title={notice.title}
      className={className}
      aria-live="polite"
      data-testid={notice.testId}
      actionClose={<AlertActionCloseButton onClose={onClose} />}
    >
      {notice.body}
    </Alert>
  );
}

/**
 * An action asked for and confirmed in a dialog: what it is about (`pending`), whether it runs, and the broker's
 * refusal in words (shown in the dialog, which stays open so the admin can cancel or try again).
 */
export interface PendingAction<P> {
  pending: P | null;
  busy: boolean;
  problem: HumanProblem | null;
  ask(p: P): void;
  cancel(): void;
  /** Runs the action on what is pending; done, the dialog closes; refused, the refusal is shown. */
  run(act: (p: P) => Promise<void>): Promise<void>;
}

export function usePendingAction<P>(): PendingAction<P> {
  const [pending, setPending] = useState<P | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const ask = useCallback((p: P) => {
    setProblem(null);
    setPending(p);
  }, []);
  const cancel = useCallback(() => {
    setPending(null);
    setProblem(null);
  }, []);
  const run = useCallback(
    async (act: (p: P) => Promise<void>) => {
      if (pending === null) {
        return;
      }
      setBusy(true);
      setProblem(null);
      try {
        await act(pending);
        setPending(null);
      } catch (e) {
        setProblem(humanError(e, 'admin'));
      } finally {
        setBusy(false);
      }
    },
    [pending],
  );
  return { pending, busy, problem, ask, cancel, run };
}

export interface ConsoleListProps<T, K extends string> {
  /** From {@link useConsoleList}: the filters, sort and pages this view shows. */
  state: ConsoleListState<T, K>;
  /** Names the table for screen readers, e.g. "Pools". */
  label: string;
  columns: Column<T>[];
  rowKey(row: T): string;
  /** Filters and buttons above the table (the pager and refresh are added). */
  toolbar?: ReactNode;
  actions?(row: T): ReactNode;
  selection?: RowSelection<T>;
  /** Shown when the list is empty without filters: what to do next. */
  empty: EmptyWords;
  /** The outcome of the last action, above the list. */
  notice?: NoticeState;
  /** Also done when the filters are cleared (e.g. forgetting a filter's own message). */
  onClearFilters?(): void;
}

/**
 * The console's list page body: the last action's outcome, then the toolbar (filters, buttons, pager, refresh),
 * then the table, its empty state (what to do next, or "clear the filters") or the broker's refusal in words.
 */
export function ConsoleList<T, K extends string>(p: ConsoleListProps<T, K>) {
  const { filters, list } = p.state;
  return (
    <>
      {p.notice && <NoticeAlert notice={p.notice.notice} onClose={p.notice.clear} />}
      <PagedTable
        label={p.label}
        list={list}
        columns={p.columns}
        rowKey={p.rowKey}
        sort={filters.sort}
        onSort={filters.setSort}
        filtered={filters.active}
        onClearFilters={() => {
          p.onClearFilters?.();
          filters.clear();
        }}
        toolbar={p.toolbar}
        actions={p.actions}
        selection={p.selection}
        empty={p.empty}
      />
    </>
  );
}
