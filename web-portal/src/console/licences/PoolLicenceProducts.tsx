import { useEffect, useState } from 'react';
import { Button, Flex, FlexItem, FormSelect, FormSelectOption } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminPool } from '../adminTypes';
import { useConsole } from '../ConsoleContext';
import { PagedTable, type Column } from '../PagedTable';
import { ConfirmModal, ProblemAlert } from '../controls';
import { useServerList } from '../useServerList';
import { useLocalFilters } from '../useUrlFilters';
import { SeatsBar } from './LicencesPage';
import { MODEL_SHORT } from './licenceLogic';
import type { LicenceProduct } from './licenceTypes';

const NO_FILTERS = [] as const;

/**
 * The licence products a pool consumes (each connect takes a seat of every one), with add and remove for admins.
 * Help desk reads them.
 */
export function PoolLicenceProducts({ pool, admin }: { pool: AdminPool; admin: boolean }) {
  const { client } = useConsole();
  const f = useLocalFilters(NO_FILTERS, 'name');
  const base = `/api/v1/admin/pools/${encodeURIComponent(pool.id)}/licence-products`;
  const list = useServerList<LicenceProduct>(client, base, { sort: f.sort });
  const [all, setAll] = useState<LicenceProduct[]>([]);
  const [productId, setProductId] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [removing, setRemoving] = useState<LicenceProduct | null>(null);

  useEffect(() => {
    if (!admin) return;
    client
      .page<LicenceProduct>('/api/v1/admin/licence-products?sort=name&limit=1000')
      .then((p) => setAll(p.rows))
      .catch(() => setAll([]));
  }, [client, admin]);

  const consumed = new Set(list.rows.map((p) => p.id));
  // a shared pool has no desktops of its own to license per desktop
  const choices = all.filter((p) => !consumed.has(p.id) && !(pool.kind === 'SHARED' && p.model === 'PER_DESKTOP'));

  const act = async (method: 'PUT' | 'DELETE', id: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await client.send(method, `${base}/${encodeURIComponent(id)}`);
      setProductId('');
      setRemoving(null);
      list.reload();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<LicenceProduct>[] = [
    { title: 'Product', sortKey: 'name', render: (p) => (admin ? <Link to={`/console/licences/${p.id}`}>{p.name}</Link> : p.name) },
    { title: 'Seat held by', render: (p) => MODEL_SHORT[p.model] },
    { title: 'Seats in use', render: (p) => <SeatsBar product={p} id={`pool-seats-${p.id}`} /> },
  ];

  return (
    <>
      {!removing && <ProblemAlert problem={problem} />}
      {admin && (
        <Flex alignItems={{ default: 'alignItemsFlexEnd' }} className="pf-v6-u-mb-sm">
          <FlexItem>
            <label htmlFor="pool-add-product" className="dp-filter-label">
              Consume a licence product
            </label>
            <FormSelect id="pool-add-product" className="dp-entitle-group" value={productId} onChange={(_e, v) => setProductId(v)}>
              <FormSelectOption value="" label={all.length ? 'Choose a product' : 'No licence product yet'} isPlaceholder />
              {choices.map((p) => (
                <FormSelectOption key={p.id} value={p.id} label={`${p.name} (${MODEL_SHORT[p.model]})`} />
              ))}
            </FormSelect>
          </FlexItem>
          <FlexItem>
            <Button variant="secondary" onClick={() => void act('PUT', productId)} isDisabled={!productId || busy}>
              Consume product
            </Button>
          </FlexItem>
        </Flex>
      )}
      <PagedTable
        label="Licence products consumed"
        list={list}
        columns={columns}
        rowKey={(p) => p.id}
        sort={f.sort}
        onSort={f.setSort}
        filtered={false}
        onClearFilters={f.clear}
        actions={
          admin
            ? (p) => (
                <Button variant="link" isDanger onClick={() => setRemoving(p)} aria-label={`Stop consuming ${p.name}`}>
                  Stop consuming
                </Button>
              )
            : undefined
        }
        empty={{
          title: 'Connects here take no licence seat',
          body: admin ? (
            <>
              If users of this pool need a licence (the desktops’ own, or software on them), choose its product above. No product yet? Create one under{' '}
              <Link to="/console/licences">Licences</Link>.
            </>
          ) : (
            'A tenant admin decides which licences this pool’s connects take.'
          ),
        }}
      />
      {removing && (
        <ConfirmModal
          title={`Stop consuming ${removing.name}?`}
          confirmLabel="Stop consuming"
          busy={busy}
          problem={problem}
          onConfirm={() => void act('DELETE', removing.id)}
          onCancel={() => {
            setRemoving(null);
            setProblem(null);
          }}
        >
          New connects to “{pool.name}” no longer take a seat of {removing.name}; sessions running now keep theirs until they end.
          {removing.model === 'PER_DESKTOP' ? ' The seats of this pool’s desktops are given back at once.' : ''}
        </ConfirmModal>
      )}
    </>
  );
}
