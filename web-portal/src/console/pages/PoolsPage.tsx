import { Label, PageSection, Content, Title } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { useConsole } from '../ConsoleContext';
import { PagedTable, type Column } from '../PagedTable';
import { SelectFilter, TextFilter, When } from '../controls';
import type { AdminPool } from '../adminTypes';
import { useServerList } from '../useServerList';
import { useUrlFilters } from '../useUrlFilters';
import { KIND_WORDS, durationWords } from '../words';

const FILTERS = ['q', 'kind', 'enabled'] as const;

/** The tenant's pools: GET /api/v1/admin/pools (filters q, kind, enabled; sort name, createdAt, updatedAt). */
export function PoolsPage() {
  const { client } = useConsole();
  const f = useUrlFilters(FILTERS, 'name');
  const list = useServerList<AdminPool>(client, '/api/v1/admin/pools', { filters: f.filters, sort: f.sort });

  const columns: Column<AdminPool>[] = [
    {
      title: 'Name',
      sortKey: 'name',
      render: (p) => (
        <>
          <Link to={`/console/pools/${p.id}`}>{p.name}</Link>
          {p.description && <div className="dp-secondary">{p.description}</div>}
        </>
      ),
    },
    { title: 'Kind', render: (p) => KIND_WORDS[p.kind] ?? p.kind },
    {
      title: 'Status',
      render: (p) => (p.enabled ? <Label color="green">Enabled</Label> : <Label color="grey">Disabled</Label>),
    },
    {
      title: 'Session policy',
      render: (p) =>
        `idle ${durationWords(p.idleTimeoutSeconds)}, disconnected ${durationWords(p.disconnectTimeoutSeconds)}` +
        (p.recordSessions ? ', recorded' : ''),
    },
    { title: 'Created', sortKey: 'createdAt', render: (p) => <When at={p.createdAt} /> },
    { title: 'Changed', sortKey: 'updatedAt', render: (p) => <When at={p.updatedAt} /> },
  ];

  return (
    <PageSection>
      <Title headingLevel="h1">Pools</Title>
      <Content component="p" className="dp-secondary">
        Sets of desktops handed out under one policy. Open a pool to see its desktops, who may use it and what its
        provisioning is doing.
      </Content>
      <PagedTable
        label="Pools"
        list={list}
        columns={columns}
        rowKey={(p) => p.id}
        sort={f.sort}
        onSort={f.setSort}
        filtered={f.active}
        onClearFilters={f.clear}
        toolbar={
          <>
            <TextFilter label="Search pools by name or description" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Name or description" />
            <SelectFilter
              id="pools-kind"
              label="Kind"
              value={f.filters.kind}
              onChange={(v) => f.setFilter('kind', v)}
              options={Object.entries(KIND_WORDS).map(([value, label]) => ({ value, label }))}
            />
            <SelectFilter
              id="pools-enabled"
              label="Status"
              value={f.filters.enabled}
              onChange={(v) => f.setFilter('enabled', v)}
              options={[
                { value: 'true', label: 'Enabled' },
                { value: 'false', label: 'Disabled' },
              ]}
            />
          </>
        }
        empty={{
          title: 'No pools yet',
          body: 'A pool gives users desktops. Create one through the admin API (POST /api/v1/admin/pools, see /api) — the console’s create wizard comes in the next slice — then entitle users or groups to it.',
        }}
      />
    </PageSection>
  );
}
