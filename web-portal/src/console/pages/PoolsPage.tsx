import { useEffect, useMemo, useState } from 'react';
import { Alert, AlertActionCloseButton, Button, Flex, FlexItem, Label, PageSection, Content, Title, ToolbarItem } from '@patternfly/react-core';
import { Link, useLocation, useNavigate } from 'react-router-dom';

import { useAuth } from '../../auth';
import { canAdminister } from '../roles';
import { PoolWizard } from '../pools/PoolWizard';

import { ConsoleList, useConsoleList, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { SelectFilter, TextFilter, When } from '../controls';
import type { AdminPool } from '../adminTypes';
import { KIND_WORDS, durationWords } from '../words';
import { poolHealthView, type PoolHealthView } from '../dashboard/dashboardLogic';
import { LiveIndicator } from '../dashboard/LiveIndicator';
import { useLiveDashboard } from '../dashboard/useLiveDashboard';

const FILTERS = ['q', 'kind', 'enabled'] as const;
const CLIPBOARD_SHORT = { TO_DESKTOP: 'into the desktop only', FROM_DESKTOP: 'out of the desktop only', NONE: 'off' } as const;

/** The tenant's pools: GET /api/v1/admin/pools (filters q, kind, enabled; sort name, createdAt, updatedAt). */
export function PoolsPage() {
  const state = useConsoleList<AdminPool, FilterKey<typeof FILTERS>>('/api/v1/admin/pools', FILTERS, 'name');
  const f = state.filters;
  const { user } = useAuth();
  const admin = canAdminister(user);
  const navigate = useNavigate();
  const location = useLocation();
  const [creating, setCreating] = useState(false);
  // each pool's health, kept live by the tenant's dashboard stream (the same figures as the dashboard's)
  const { snapshot, status: live } = useLiveDashboard(state.client);
  const health = useMemo(() => new Map<string, PoolHealthView>((snapshot?.pools ?? []).map((p) => [p.poolId, poolHealthView(p)])), [snapshot]);
  // what an action on a pool's page did (a deletion), said here where the admin lands
  const [notice, setNotice] = useState<string | null>(() => {
    const arrived = location.state as { notice?: unknown } | null;
    return typeof arrived?.notice === 'string' ? arrived.notice : null;
  });
  useEffect(() => {
    if (notice) {
      // said once: a reload or Back does not say it again
      navigate(location.pathname + location.search, { replace: true, state: null });
    }
    // only when the page is reached with a notice
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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
      title: 'Health',
      render: (p) => {
        const h = health.get(p.id);
        if (!h) {
          return p.enabled ? <Label color="green">Enabled</Label> : <Label color="grey">Disabled</Label>;
        }
        return (
          <div data-testid={`pool-row-health-${p.id}`}>
            <Label color={h.tone}>{h.status}</Label>
            <div className="dp-secondary">{h.figures}</div>
            {h.target && <div className="dp-secondary">{h.target}</div>}
          </div>
        );
      },
    },
    {
      title: 'Session policy',
      render: (p) =>
        `idle ${durationWords(p.idleTimeoutSeconds)}, disconnected ${durationWords(p.disconnectTimeoutSeconds)}` +
        (p.recordSessions ? ', recorded' : '') +
        (p.clipboardPolicy && p.clipboardPolicy !== 'BOTH' ? `, clipboard ${CLIPBOARD_SHORT[p.clipboardPolicy]}` : ''),
    },
    { title: 'Created', sortKey: 'createdAt', render: (p) => <When at={p.createdAt} /> },
    { title: 'Changed', sortKey: 'updatedAt', render: (p) => <When at={p.updatedAt} /> },
  ];

  return (
    <PageSection>
      <Flex alignItems={{ default: 'alignItemsCenter' }}>
        <FlexItem>
          <Title headingLevel="h1">Pools</Title>
        </FlexItem>
        <FlexItem>
          <LiveIndicator status={live} />
        </FlexItem>
      </Flex>
      {notice && (
        <Alert variant="success" isInline title={notice} data-testid="pools-notice" className="pf-v6-u-my-md" actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />} />
      )}
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
      {creating && <PoolWizard mode="create" onClose={() => setCreating(false)} onDone={(id) => navigate(`/console/pools/${id}`)} />}
    </PageSection>
  );
}
