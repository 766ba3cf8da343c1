import { useEffect, useState } from 'react';
import { Button, Flex, FlexItem, FormSelect, FormSelectOption, Label } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminPool } from '../adminTypes';
import { ConsoleList, useConsoleList, useNotice, usePendingAction, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { ConfirmModal, ProblemAlert, SelectFilter, TextFilter } from '../controls';
import { KIND_WORDS } from '../words';
import type { ConsumingPool, LicenceProduct } from './licenceTypes';

const FILTERS = ['q', 'kind'] as const;

/**
 * The pools whose connects take a seat of the product (GET /licence-products/{id}/pools, a page at a time), a pool
 * added (PUT /pools/{id}/licence-products/{productId}) and one taken off after saying what that does.
 */
export function ConsumingPools({ product, onChanged }: { product: LicenceProduct; onChanged(): void }) {
  const state = useConsoleList<ConsumingPool, FilterKey<typeof FILTERS>>(
    `/api/v1/admin/licence-products/${encodeURIComponent(product.id)}/pools`,
    FILTERS,
    'name',
    { local: true },
  );
  const { client, list } = state;
  const f = state.filters;
  const notice = useNotice();
  const removing = usePendingAction<ConsumingPool>();
  const [pools, setPools] = useState<AdminPool[]>([]);
  const [poolId, setPoolId] = useState('');
  const [adding, setAdding] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const perDesktop = product.model === 'PER_DESKTOP';

  useEffect(() => {
    client.page<AdminPool>('/api/v1/admin/pools?sort=name&limit=1000').then((p) => setPools(p.rows)).catch(() => setPools([]));
  }, [client]);
  // a per-desktop product needs desktops of the pool's own: shared pools cannot consume it
  const choices = perDesktop ? pools.filter((p) => p.kind !== 'SHARED') : pools;
  const requirement = (id: string) => `/api/v1/admin/pools/${encodeURIComponent(id)}/licence-products/${encodeURIComponent(product.id)}`;

  const add = async () => {
    setAdding(true);
    setProblem(null);
    notice.clear();
    try {
      await client.send('PUT', requirement(poolId));
      notice.show(`Connects to ${pools.find((p) => p.id === poolId)?.name ?? 'the pool'} now take a seat of ${product.name}.`);
      setPoolId('');
      list.reload();
      onChanged();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setAdding(false);
    }
  };

  const remove = () =>
    removing.run(async (pool) => {
      await client.send('DELETE', requirement(pool.id));
      notice.show(`Connects to ${pool.name} no longer take a seat of ${product.name}.`);
      list.reload();
      onChanged();
    });

  const columns: Column<ConsumingPool>[] = [
    { title: 'Pool', sortKey: 'name', render: (p) => <Link to={`/console/pools/${encodeURIComponent(p.id)}`}>{p.name}</Link> },
    { title: 'Kind', render: (p) => KIND_WORDS[p.kind] ?? p.kind },
    { title: 'Status', render: (p) => (p.enabled ? <Label color="green">Enabled</Label> : <Label color="grey">Disabled</Label>) },
    ...(perDesktop ? [{ title: 'Seats its desktops hold', render: (p: ConsumingPool) => p.desktopSeats ?? 0 }] : []),
  ];

  return (
    <>
      <ProblemAlert problem={problem} />
      <Flex alignItems={{ default: 'alignItemsFlexEnd' }} className="pf-v6-u-mb-sm">
        <FlexItem>
          <label htmlFor="consume-pool" className="dp-filter-label">
            Let a pool consume it
          </label>
          <FormSelect id="consume-pool" value={poolId} onChange={(_e, v) => setPoolId(v)} className="dp-entitle-group">
            <FormSelectOption value="" label="Choose a pool" isPlaceholder />
            {choices.map((p) => (
              <FormSelectOption key={p.id} value={p.id} label={p.name} />
            ))}
          </FormSelect>
        </FlexItem>
        <FlexItem>
          <Button variant="secondary" onClick={() => void add()} isDisabled={!poolId || adding} isLoading={adding}>
            Consume in pool
          </Button>
        </FlexItem>
      </Flex>
      <ConsoleList
        state={state}
        notice={notice}
        label="Pools consuming it"
        columns={columns}
        rowKey={(p) => p.id}
        toolbar={
          <>
            <TextFilter label="Search the consuming pools by name" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Pool name" />
            <SelectFilter
              id="consumers-kind"
              label="Kind"
              value={f.filters.kind}
              onChange={(v) => f.setFilter('kind', v)}
              options={Object.entries(KIND_WORDS).map(([value, label]) => ({ value, label }))}
            />
          </>
        }
        actions={(p) => (
          <Button variant="link" isDanger size="sm" onClick={() => removing.ask(p)} aria-label={`Stop consuming ${product.name} in ${p.name}`}>
            Stop consuming
          </Button>
        )}
        empty={{
          title: 'No pool consumes it yet',
          body: 'Until a pool consumes the product, no connect takes a seat of it. Choose a pool above: its connects then take a seat, and are refused when none is left.',
        }}
      />
      {removing.pending && (
        <ConfirmModal
          title={`Stop ${removing.pending.name} consuming ${product.name}?`}
          confirmLabel="Stop consuming"
          busy={removing.busy}
          problem={removing.problem}
          onConfirm={() => void remove()}
          onCancel={removing.cancel}
        >
          New connects to “{removing.pending.name}” no longer take a seat of {product.name}; sessions running now keep theirs until they end.
          {perDesktop ? ' The seats of this pool’s desktops are given back at once.' : ''}
        </ConfirmModal>
      )}
    </>
  );
}
