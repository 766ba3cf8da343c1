import { useId, useState, type ReactNode } from 'react';
import { Button, Checkbox, Label, LabelGroup, Radio, SearchInput, Spinner } from '@patternfly/react-core';

import { useConsole } from '../ConsoleContext';
import type { Filters } from '../paging';
import { useServerList } from '../useServerList';

/**
 * Picks objects from a server-side list: the words typed are the list's {@code q} filter (sent on Enter, not on
 * every key), a page of matches at a time; one (radio buttons) or many (checkboxes, the picked ones shown as
 * removable labels).
 */
export function SearchPick<T extends { id: string }>({
  id,
  label,
  path,
  filters,
  single,
  picked,
  onPick,
  onUnpick,
  rowLabel,
  rowDetail,
  refusal,
  pickedLabels,
  emptyWords,
}: {
  id: string;
  /** What is searched, e.g. "Search groups". */
  label: string;
  path: string;
  filters?: Filters;
  single?: boolean;
  /** The ids picked now. */
  picked: string[];
  onPick(row: T): void;
  onUnpick(id: string): void;
  rowLabel(row: T): string;
  rowDetail?(row: T): ReactNode;
  /** Why a row cannot be picked, or undefined. */
  refusal?(row: T): string | undefined;
  /** Names of the picked ids (multi-pick: shown as labels). */
  pickedLabels?: Array<{ id: string; name: string }>;
  emptyWords: string;
}) {
  const { client } = useConsole();
  const [q, setQ] = useState('');
  const [draft, setDraft] = useState('');
  const list = useServerList<T>(client, path, { filters: { ...filters, q }, limit: 10 });
  const status = useId();
  const chosen = new Set(picked);
  return (
    <div className="dp-search-pick">
      {!single && pickedLabels && pickedLabels.length > 0 && (
        <LabelGroup categoryName="Chosen" numLabels={20} className="pf-v6-u-mb-sm" aria-label={`${label}: chosen`}>
          {pickedLabels.map((p) => (
            <Label key={p.id} color="blue" onClose={() => onUnpick(p.id)} closeBtnAriaLabel={`Remove ${p.name}`}>
              {p.name}
            </Label>
          ))}
        </LabelGroup>
      )}
      <SearchInput
        id={id}
        aria-label={label}
        placeholder={label}
        value={draft}
        onChange={(_e, v) => setDraft(v)}
        onSearch={(_e, v) => setQ(v.trim())}
        onClear={() => {
          setDraft('');
          setQ('');
        }}
        submitSearchButtonLabel={`Search: ${label}`}
        resetButtonLabel={`Clear: ${label}`}
        aria-describedby={status}
      />
      <div role="group" aria-label={`${label}: matches`} className="pf-v6-u-mt-sm">
        {list.loading && list.rows.length === 0 && <Spinner size="md" aria-label={`Loading: ${label}`} />}
        {list.problem && <p className="dp-secondary">{list.problem.message}</p>}
        {!list.loading && !list.problem && list.rows.length === 0 && <p className="dp-secondary">{q ? `Nothing matches “${q}”.` : emptyWords}</p>}
        {list.rows.map((row) => {
          const why = refusal?.(row);
          const rowId = `${id}-${row.id}`;
          const body = (
            <>
              {rowLabel(row)}
              {why && <span className="dp-secondary"> — {why}</span>}
            </>
          );
          return single ? (
            <Radio
              key={row.id}
              id={rowId}
              name={id}
              isChecked={chosen.has(row.id)}
              isDisabled={!!why}
              onChange={() => onPick(row)}
              label={body}
              description={rowDetail?.(row)}
            />
          ) : (
            <Checkbox
              key={row.id}
              id={rowId}
              isChecked={chosen.has(row.id)}
              isDisabled={!!why && !chosen.has(row.id)}
              onChange={(_e, on) => (on ? onPick(row) : onUnpick(row.id))}
              label={body}
              description={rowDetail?.(row)}
            />
          );
        })}
      </div>
      <p id={status} className="dp-secondary" aria-live="polite">
        {list.loading ? 'Searching…' : list.total ? `${list.total.count}${list.total.exact ? '' : '+'} found` : ''}
        {(list.hasPrevious || list.hasNext) && (
          <>
            {' '}
            <Button variant="link" isInline isDisabled={!list.hasPrevious || list.loading} onClick={list.previousPage}>
              Previous
            </Button>{' '}
            <Button variant="link" isInline isDisabled={!list.hasNext || list.loading} onClick={list.nextPage}>
              More
            </Button>
          </>
        )}
      </p>
    </div>
  );
}
