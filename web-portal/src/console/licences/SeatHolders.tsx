import { useState } from 'react';
import { Alert, AlertActionCloseButton, Button, Flex, FlexItem } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { PagedTable, type Column } from '../PagedTable';
import { ConfirmModal, SelectFilter, TextFilter, When } from '../controls';
import { useServerList } from '../useServerList';
import { useLocalFilters } from '../useUrlFilters';
import { CsvLink } from './CsvLink';
import { freeSeatRefusal, holderWords, releaseWords, reportUrl } from './licenceLogic';
import type { LicenceProduct, LicenceSeatHolding } from './licenceTypes';

const FILTERS = ['released', 'q'] as const;

/**
 * A product's seats: held now (or given back, the seat history), who holds each and since when, and "Free seat" for
 * a holder who left. A seat live sessions use is freed only after saying so and asking again ("Free it anyway").
 */
export function SeatHolders({ product, onChanged }: { product: LicenceProduct; onChanged(): void }) {
  const { client } = useConsole();
  const f = useLocalFilters(FILTERS, '-takenAt');
  const base = `/api/v1/admin/licence-products/${encodeURIComponent(product.id)}/seats`;
  const list = useServerList<LicenceSeatHolding>(client, base, { filters: f.filters, sort: f.sort });
  const [freeing, setFreeing] = useState<LicenceSeatHolding | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [refusal, setRefusal] = useState<{ words: string; forceable: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const released = f.filters.released === 'true';
  const who = (s: LicenceSeatHolding) => holderWords(s, product.model);

  const free = async (force: boolean) => {
    if (!freeing) return;
    setBusy(true);
    setProblem(null);
    try {
      await client.send('DELETE', `${base}/${freeing.id}${force ? '?force=true' : ''}`);
      setDone(`${who(freeing)}’s seat of ${product.name} is free for someone else.`);
      setFreeing(null);
      setRefusal(null);
      list.reload();
      onChanged();
    } catch (e) {
      const words = freeSeatRefusal(e instanceof ApiError ? e.problem : undefined, who(freeing));
      setRefusal(words);
      setProblem(words ? null : humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<LicenceSeatHolding>[] = [
    {
      title: 'Holder',
      sortKey: 'holder',
      render: (s) => (
        <>
          {who(s)}
          {s.userId && (
            <div>
              <Link to={`/console/sessions?userId=${encodeURIComponent(s.userId)}`} className="dp-secondary">
                their sessions
              </Link>
            </div>
          )}
        </>
      ),
    },
    { title: 'Taken', sortKey: 'takenAt', render: (s) => <When at={s.takenAt} /> },
    { title: 'Last used', sortKey: 'lastUsedAt', render: (s) => <When at={s.lastUsedAt} /> },
    { title: 'Live sessions', render: (s) => s.sessions },
    ...(released
      ? [
          {
            title: 'Given back',
            render: (s: LicenceSeatHolding) => (
              <>
                <When at={s.releasedAt} /> <span className="dp-secondary">{releaseWords(s.releaseReason)}</span>
              </>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      {done && <Alert variant="success" isInline title={done} className="pf-v6-u-mb-md" aria-live="polite" actionClose={<AlertActionCloseButton onClose={() => setDone(null)} />} />}
      <Flex className="pf-v6-u-mb-sm">
        <FlexItem>
          <CsvLink url={reportUrl('holders', { productId: product.id }, true)} label="Seat holders (CSV)" />
        </FlexItem>
      </Flex>
      <PagedTable
        label="Seats"
        list={list}
        columns={columns}
        rowKey={(s) => String(s.id)}
        sort={f.sort}
        onSort={f.setSort}
        filtered={f.active}
        onClearFilters={f.clear}
        toolbar={
          <>
            <SelectFilter
              id="seats-released"
              label="Seats"
              anyLabel="Held now"
              value={f.filters.released}
              onChange={(v) => f.setFilter('released', v)}
              options={[{ value: 'true', label: 'Given back (history)' }]}
            />
            <TextFilter label="Search seats by holder, user or desktop" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Holder, user or desktop" />
          </>
        }
        actions={
          released
            ? undefined
            : (s) => (
                <Button variant="secondary" isDanger size="sm" onClick={() => setFreeing(s)} aria-label={`Free the seat of ${who(s)}`}>
                  Free seat
                </Button>
              )
        }
        empty={{
          title: 'No seat is held',
          body:
            product.pools === 0
              ? 'No pool consumes this product yet: add it to a pool (above, or on the pool’s page), and each connect there takes a seat.'
              : 'Seats are taken as users connect to the pools that consume this product.',
        }}
      />
      {freeing && (
        <ConfirmModal
          title={`Free ${who(freeing)}’s seat?`}
          confirmLabel={refusal?.forceable ? 'Free it anyway' : 'Free seat'}
          busy={busy}
          problem={problem}
          onConfirm={() => void free(!!refusal?.forceable)}
          onCancel={() => {
            setFreeing(null);
            setRefusal(null);
            setProblem(null);
          }}
        >
          {refusal ? (
            <Alert variant="warning" isInline title={refusal.forceable ? 'The seat is in use' : 'The seat cannot be freed'} data-testid="free-seat-refusal" role="alert" className="pf-v6-u-mb-md">
              {refusal.words}
            </Alert>
          ) : null}
          The seat is given back at once and counted as freed by you. {product.model === 'NAMED_USER' || product.model === 'PER_DEVICE' ? 'If the same holder connects again, they take a new seat when one is free.' : ''}
        </ConfirmModal>
      )}
    </>
  );
}
