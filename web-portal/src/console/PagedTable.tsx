import { useId, type ReactNode } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Flex,
  FlexItem,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr, type ThProps } from '@patternfly/react-table';
import { AngleLeftIcon, AngleRightIcon, SearchIcon, SyncAltIcon } from '@patternfly/react-icons';

import { formatSort, parseSort, rangeWords } from './paging';
import type { ServerList } from './useServerList';

export interface Column<T> {
  title: string;
  /** The list's sort key for this column, when the endpoint sorts by it. */
  sortKey?: string;
  render(row: T): ReactNode;
}

export interface EmptyWords {
  title: string;
  body: ReactNode;
  /** What to do next (e.g. a "Create" button). */
  action?: ReactNode;
}

export interface RowSelection<T> {
  isSelected(row: T): boolean;
  onSelect(row: T, selected: boolean): void;
  /** Whether every row of this page is picked, and picking or unpicking them all. */
  allSelected: boolean;
  onSelectAll(selected: boolean): void;
  /** Names the row's checkbox for screen readers, e.g. "Select sh-01". */
  label(row: T): string;
}

export interface PagedTableProps<T> {
  /** Names the table for screen readers, e.g. "Pools". */
  label: string;
  list: ServerList<T>;
  columns: Column<T>[];
  rowKey(row: T): string;
  /** The current sort ("name", "-createdAt") and how to change it. */
  sort: string;
  onSort(sort: string): void;
  /** Filters and buttons above the table. */
  toolbar?: ReactNode;
  /** Buttons at the end of each row. */
  actions?(row: T): ReactNode;
  /** Rows picked for a bulk action (a checkbox per row, and one for the page), when the page offers one. */
  selection?: RowSelection<T>;
  /** Shown when the list is empty without filters: what to do next. */
  empty: EmptyWords;
  /** Whether filters are set, and how to clear them (the empty state then offers it). */
  filtered: boolean;
  onClearFilters(): void;
}

/**
 * The console's list: the broker's pages (Next follows the `rel="next"` link), the total from the first page,
 * sortable columns for the endpoint's sort keys, filters in the toolbar, and empty states that say what to do.
 */
export function PagedTable<T>(p: PagedTableProps<T>) {
  const { list } = p;
  const statusId = useId();
  const sort = parseSort(p.sort);
  const sortFor = (column: Column<T>, index: number): ThProps['sort'] | undefined =>
    column.sortKey
      ? {
          columnIndex: index,
          sortBy: sort && sort.key === column.sortKey ? { index, direction: sort.direction } : { index: -1 },
          onSort: (_e, _i, direction) => p.onSort(formatSort(column.sortKey!, direction)),
        }
      : undefined;

  const pager = (
    <ToolbarGroup align={{ default: 'alignEnd' }}>
      <ToolbarItem>
        <span id={statusId} aria-live="polite" className="dp-range" data-testid={`${p.label}-range`}>
          {list.loading ? 'Loading…' : rangeWords(list.offset, list.rows.length, list.total)}
        </span>
      </ToolbarItem>
      <ToolbarItem>
        <Button
          variant="plain"
          aria-label={`Previous page of ${p.label}`}
          isDisabled={!list.hasPrevious || list.loading}
          onClick={list.previousPage}
          icon={<AngleLeftIcon />}
        />
        <Button
          variant="plain"
          aria-label={`Next page of ${p.label}`}
          isDisabled={!list.hasNext || list.loading}
          onClick={list.nextPage}
          icon={<AngleRightIcon />}
        />
        <Button variant="plain" aria-label={`Refresh ${p.label}`} onClick={list.reload} icon={<SyncAltIcon />} />
      </ToolbarItem>
    </ToolbarGroup>
  );

  let body: ReactNode;
  if (list.problem) {
    body = (
      <Alert variant={list.problem.severity} isInline title={list.problem.title} role="alert" data-testid="list-problem">
        {list.problem.message} {list.problem.action}
      </Alert>
    );
  } else if (list.rows.length === 0 && list.loading) {
    body = (
      <Flex justifyContent={{ default: 'justifyContentCenter' }} className="pf-v6-u-p-xl">
        <FlexItem>
          <Spinner aria-label={`Loading ${p.label}`} />
        </FlexItem>
      </Flex>
    );
  } else if (list.rows.length === 0) {
    body = p.filtered ? (
      <EmptyState titleText={`No ${p.label.toLowerCase()} match these filters`} headingLevel="h2" icon={SearchIcon}>
        <EmptyStateBody>Change or clear the filters to see more.</EmptyStateBody>
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="link" onClick={p.onClearFilters}>
              Clear all filters
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      </EmptyState>
    ) : (
      <EmptyState titleText={p.empty.title} headingLevel="h2">
        <EmptyStateBody>{p.empty.body}</EmptyStateBody>
        {p.empty.action && (
          <EmptyStateFooter>
            <EmptyStateActions>{p.empty.action}</EmptyStateActions>
          </EmptyStateFooter>
        )}
      </EmptyState>
    );
  } else {
    body = (
      <Table aria-label={p.label} variant="compact" gridBreakPoint="grid-lg" aria-describedby={statusId} aria-busy={list.loading}>
        <Thead>
          <Tr>
            {p.selection && (
              <Th className="pf-v6-c-table__check" aria-label="Select">
                <Checkbox
                  id={`${statusId}-all`}
                  aria-label={`Select every row of this page of ${p.label}`}
                  isChecked={p.selection.allSelected}
                  onChange={(_e, on) => p.selection!.onSelectAll(on)}
                />
              </Th>
            )}
            {p.columns.map((c, i) => (
              <Th key={c.title} sort={sortFor(c, i)} modifier="wrap">
                {c.title}
              </Th>
            ))}
            {p.actions && <Th screenReaderText="Actions" />}
          </Tr>
        </Thead>
        <Tbody>
          {list.rows.map((row, rowIndex) => (
            <Tr key={p.rowKey(row)}>
              {p.selection && (
                <Td className="pf-v6-c-table__check" dataLabel="Select">
                  <Checkbox
                    id={`${statusId}-row-${rowIndex}`}
                    aria-label={p.selection.label(row)}
                    isChecked={p.selection.isSelected(row)}
                    onChange={(_e, on) => p.selection!.onSelect(row, on)}
                  />
                </Td>
              )}
              {p.columns.map((c) => (
                <Td key={c.title} dataLabel={c.title}>
                  {c.render(row)}
                </Td>
              ))}
              {p.actions && (
                <Td isActionCell className="dp-row-actions">
                  {p.actions(row)}
                </Td>
              )}
            </Tr>
          ))}
        </Tbody>
      </Table>
    );
  }

  return (
    <>
      <Toolbar clearAllFilters={p.filtered ? p.onClearFilters : undefined} collapseListedFiltersBreakpoint="xl">
        <ToolbarContent>
          {p.toolbar}
          {pager}
        </ToolbarContent>
      </Toolbar>
      {body}
    </>
  );
}
