import { useState } from 'react';
import { Button, Label, PageSection, Content, Title, ToolbarItem } from '@patternfly/react-core';
import { Link, useNavigate } from 'react-router-dom';

import { useAuth } from '../../auth';
import { canAdminister } from '../roles';
import { CreatePoolModal } from './CreatePoolModal';

import { ConsoleList, useConsoleList, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { SelectFilter, TextFilter, When } from '../controls';
import type { AdminPool } from '../adminTypes';
import { KIND_WORDS, durationWords } from '../words';

const FILTERS = ['q', 'kind', 'enabled'] as const;

/** The tenant's pools: GET /api/v1/admin/pools (filters q, kind, enabled; sort name, createdAt, updatedAt). */
export function PoolsPage() {
  const state = useConsoleList<AdminPool, FilterKey<typeof FILTERS>>('/api/v1/admin/pools', FILTERS, 'name');
  const f = state.filters;
  const { user } = useAuth();
  const admin = canAdminister(user);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

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
      <ConsoleList
        state={state}
        label="Pools"
        columns={columns}
        rowKey={(p) => p.id}
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
            {admin && (
              <ToolbarItem>
                <Button onClick={() => setCreating(true)}>New pool</Button>
              </ToolbarItem>
            )}
          </>
        }
        empty={{
          title: 'No pools yet',
          body: admin
            ? 'A pool gives users desktops. Create one, then give it desktops and entitle a group to it on its page.'
            : 'A tenant admin creates pools; they will be listed here.',
          action: admin ? <Button onClick={() => setCreating(true)}>New pool</Button> : undefined,
        }}
      />
      {creating && <CreatePoolModal onClose={() => setCreating(false)} onCreated={(p) => navigate(`/console/pools/${p.id}`)} />}
    </PageSection>
  );
}
