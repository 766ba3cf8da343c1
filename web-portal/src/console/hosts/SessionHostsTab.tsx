import { useEffect, useState } from 'react';
import { Alert, AlertActionCloseButton, Button, Label, List, ListItem, ToolbarItem } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminPool } from '../adminTypes';
import { useConsole } from '../ConsoleContext';
import { PagedTable, type Column } from '../PagedTable';
import { ConfirmModal, ProblemAlert, SelectFilter, TextFilter, When } from '../controls';
import { useServerList } from '../useServerList';
import { useUrlFilters } from '../useUrlFilters';
import { EnrolHostModal } from './EnrolHostModal';
import { ageWords, bulkWords, heartbeatAge, loadWords, sessionHostStateWords, sessionsWords } from './hostLogic';
import { SESSION_HOST_STATES, type BulkResult, type SessionHostDetail } from './hostTypes';

const FILTERS = ['q', 'poolId', 'state', 'draining'] as const;

type Pending = { action: 'DRAIN' | 'RESUME'; hosts: SessionHostDetail[] };

/** The tenant's session hosts: load and heartbeats, drain and resume (one or many), and enrolment of new ones. */
export function SessionHostsTab({ admin }: { admin: boolean }) {
  const { client } = useConsole();
  const f = useUrlFilters(FILTERS, 'name');
  const list = useServerList<SessionHostDetail>(client, '/api/v1/admin/session-hosts', { filters: f.filters, sort: f.sort });
  const [pools, setPools] = useState<AdminPool[]>([]);
  const [selected, setSelected] = useState<Map<string, SessionHostDetail>>(new Map());
  const [pending, setPending] = useState<Pending | null>(null);
  const [enrolling, setEnrolling] = useState<SessionHostDetail | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [outcome, setOutcome] = useState<{ done: string; refused: string[] } | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    client.page<AdminPool>('/api/v1/admin/pools?kind=SHARED&sort=name&limit=1000').then((p) => setPools(p.rows)).catch(() => setPools([]));
  }, [client]);
  // heartbeat ages are read against the time the page was loaded
  useEffect(() => setNow(Date.now()), [list.rows]);

  const poolName = (id: string) => pools.find((p) => p.id === id)?.name ?? '…';

  const act = async () => {
    if (!pending) return;
    setBusy(true);
    setProblem(null);
    try {
      const ids = pending.hosts.map((h) => h.id);
      let result: BulkResult;
      if (ids.length === 1) {
        await client.send('POST', `/api/v1/admin/session-hosts/${encodeURIComponent(ids[0])}/${pending.action === 'DRAIN' ? 'drain' : 'resume'}`);
        result = { succeeded: 1, failed: 0, results: [{ id: ids[0], status: 200, reason: null, detail: null }] };
      } else {
        result = (await client.send<BulkResult>('POST', '/api/v1/admin/session-hosts/bulk', { action: pending.action, ids })).value;
      }
      setOutcome(bulkWords(result, pending.action, Object.fromEntries(pending.hosts.map((h) => [h.id, h.name]))));
      setPending(null);
      setSelected(new Map());
      list.reload();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<SessionHostDetail>[] = [
    {
      title: 'Host',
      sortKey: 'name',
      render: (h) => (
        <>
          {h.name}
          <div className="dp-secondary">{h.agent ? [h.agent.address, h.agent.os].filter(Boolean).join(' · ') || 'agent not enrolled yet' : `${h.consoleHost}:${h.consolePort}`}</div>
        </>
      ),
    },
    { title: 'Pool', render: (h) => <Link to={`/console/pools/${h.poolId}`}>{poolName(h.poolId)}</Link> },
    {
      title: 'State',
      render: (h) => {
        const s = sessionHostStateWords(h);
        return (
          <>
            <Label color={s.colour}>{s.label}</Label>{' '}
            <span className="dp-secondary">
              since <When at={h.stateChangedAt} />
            </span>
          </>
        );
      },
    },
    {
      title: 'Sessions / max',
      sortKey: 'activeSessions',
      render: (h) => <Link to={`/console/sessions?hostId=${encodeURIComponent(h.id)}`}>{sessionsWords(h)}</Link>,
    },
    { title: 'Load', render: (h) => loadWords(h.agent) },
    { title: 'Heartbeat', render: (h) => (h.agent ? ageWords(heartbeatAge(h.agent.lastHeartbeatAt, now)) : '—') },
    { title: 'Agent version', render: (h) => h.agent?.version ?? '—' },
  ];

  const rows = list.rows;
  const pick = (hosts: SessionHostDetail[], action: 'DRAIN' | 'RESUME') => {
    setOutcome(null);
    setPending({ action, hosts });
  };
  const selectedHosts = [...selected.values()];

  return (
    <>
      {outcome && (
        <Alert
          variant={outcome.refused.length ? 'warning' : 'success'}
          isInline
          title={outcome.done}
          className="pf-v6-u-my-md"
          aria-live="polite"
          data-testid="host-outcome"
          actionClose={<AlertActionCloseButton onClose={() => setOutcome(null)} />}
        >
          {outcome.refused.length > 0 && (
            <List>
              {outcome.refused.map((r) => (
                <ListItem key={r}>{r}</ListItem>
              ))}
            </List>
          )}
        </Alert>
      )}
      {!pending && <ProblemAlert problem={problem} />}
      <PagedTable
        label="Session hosts"
        list={list}
        columns={columns}
        rowKey={(h) => h.id}
        sort={f.sort}
        onSort={f.setSort}
        filtered={f.active}
        onClearFilters={f.clear}
        selection={
          admin
            ? {
                isSelected: (h) => selected.has(h.id),
                onSelect: (h, on) =>
                  setSelected((s) => {
                    const n = new Map(s);
                    if (on) n.set(h.id, h);
                    else n.delete(h.id);
                    return n;
                  }),
                allSelected: rows.length > 0 && rows.every((h) => selected.has(h.id)),
                onSelectAll: (on) =>
                  setSelected((s) => {
                    const n = new Map(s);
                    rows.forEach((h) => (on ? n.set(h.id, h) : n.delete(h.id)));
                    return n;
                  }),
                label: (h) => `Select ${h.name}`,
              }
            : undefined
        }
        actions={
          admin
            ? (h) => (
                <>
                  {h.draining ? (
                    <Button variant="secondary" size="sm" onClick={() => pick([h], 'RESUME')} aria-label={`Resume ${h.name}`}>
                      Resume
                    </Button>
                  ) : (
                    <Button variant="secondary" size="sm" onClick={() => pick([h], 'DRAIN')} aria-label={`Drain ${h.name}`}>
                      Drain
                    </Button>
                  )}{' '}
                  {h.agent && (
                    <Button variant="link" size="sm" onClick={() => setEnrolling(h)} aria-label={`New enrolment token for ${h.name}`}>
                      New token
                    </Button>
                  )}
                </>
              )
            : undefined
        }
        toolbar={
          <>
            <TextFilter label="Search session hosts by name or address" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Name or address" />
            <SelectFilter id="hosts-pool" label="Pool" value={f.filters.poolId} onChange={(v) => f.setFilter('poolId', v)} options={pools.map((p) => ({ value: p.id, label: p.name }))} />
            <SelectFilter
              id="hosts-state"
              label="State"
              value={f.filters.state}
              onChange={(v) => f.setFilter('state', v)}
              options={SESSION_HOST_STATES.map((s) => ({ value: s, label: s.charAt(0) + s.slice(1).toLowerCase() }))}
            />
            <SelectFilter
              id="hosts-draining"
              label="Draining"
              value={f.filters.draining}
              onChange={(v) => f.setFilter('draining', v)}
              options={[
                { value: 'true', label: 'Draining' },
                { value: 'false', label: 'Taking sessions' },
              ]}
            />
            {admin && (
              <ToolbarItem>
                <Button variant="secondary" isDisabled={selectedHosts.length === 0} onClick={() => pick(selectedHosts, 'DRAIN')}>
                  Drain selected ({selectedHosts.length})
                </Button>{' '}
                <Button variant="secondary" isDisabled={selectedHosts.length === 0} onClick={() => pick(selectedHosts, 'RESUME')}>
                  Resume selected
                </Button>{' '}
                <Button onClick={() => setEnrolling('new')}>Add host</Button>
              </ToolbarItem>
            )}
          </>
        }
        empty={{
          title: 'No session hosts yet',
          body: admin
            ? 'Session hosts are the multi-user machines of shared pools. Add one: you get a one-time token and the command that enrols its agent.'
            : 'A tenant admin adds the session hosts of shared pools; they will be listed here with their load.',
          action: admin ? <Button onClick={() => setEnrolling('new')}>Add host</Button> : undefined,
        }}
      />
      {pending && (
        <ConfirmModal
          title={
            pending.action === 'DRAIN'
              ? `Drain ${pending.hosts.length === 1 ? pending.hosts[0].name : `${pending.hosts.length} hosts`}?`
              : `Resume ${pending.hosts.length === 1 ? pending.hosts[0].name : `${pending.hosts.length} hosts`}?`
          }
          confirmLabel={pending.action === 'DRAIN' ? 'Drain' : 'Resume'}
          danger={pending.action === 'DRAIN'}
          busy={busy}
          problem={problem}
          onConfirm={() => void act()}
          onCancel={() => {
            setPending(null);
            setProblem(null);
          }}
        >
          {pending.action === 'DRAIN'
            ? 'New sessions are no longer placed there; sessions running now go on and their users can reconnect. Use it before maintenance, then log the remaining users off or wait for them to leave.'
            : 'New sessions can be placed there again.'}
        </ConfirmModal>
      )}
      {enrolling && <EnrolHostModal host={enrolling === 'new' ? undefined : enrolling} onClose={() => setEnrolling(null)} onDone={list.reload} />}
    </>
  );
}
