import { useEffect, useState } from 'react';
import { Button, Label, List, ListItem, ToolbarItem } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import type { AdminPool } from '../adminTypes';
import { ConsoleList, useConsoleList, useNotice, usePendingAction, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { ConfirmModal, SelectFilter, TextFilter, When } from '../controls';
import { EnrolHostModal } from './EnrolHostModal';
import { PowerModal } from './PowerModal';
import { ageWords, bulkWords, heartbeatAge, loadWords, powerView, sessionHostStateWords, sessionsWords } from './hostLogic';
import { SESSION_HOST_STATES, type BulkResult, type SessionHostDetail } from './hostTypes';

const FILTERS = ['q', 'poolId', 'state', 'draining'] as const;

type Pending = { action: 'DRAIN' | 'RESUME' | 'POWER_OFF' | 'WAKE'; hosts: SessionHostDetail[] };

const PATHS = { DRAIN: 'drain', RESUME: 'resume', POWER_OFF: 'power-off', WAKE: 'wake' } as const;

/** The tenant's session hosts: load and heartbeats, drain and resume (one or many), and enrolment of new ones. */
export function SessionHostsTab({ admin }: { admin: boolean }) {
  const state = useConsoleList<SessionHostDetail, FilterKey<typeof FILTERS>>('/api/v1/admin/session-hosts', FILTERS, 'name');
  const { client, filters: f, list } = state;
  const [pools, setPools] = useState<AdminPool[]>([]);
  const [selected, setSelected] = useState<Map<string, SessionHostDetail>>(new Map());
  const pending = usePendingAction<Pending>();
  const [enrolling, setEnrolling] = useState<SessionHostDetail | 'new' | null>(null);
  const [powering, setPowering] = useState<SessionHostDetail | null>(null);
  const notice = useNotice();
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    client.page<AdminPool>('/api/v1/admin/pools?kind=SHARED&sort=name&limit=1000').then((p) => setPools(p.rows)).catch(() => setPools([]));
  }, [client]);
  // heartbeat ages are read against the time the page was loaded
  useEffect(() => setNow(Date.now()), [list.rows]);

  const poolName = (id: string) => pools.find((p) => p.id === id)?.name ?? '…';

  const act = () =>
    pending.run(async ({ action, hosts }) => {
      const ids = hosts.map((h) => h.id);
      let result: BulkResult;
      if (action === 'POWER_OFF' || action === 'WAKE') {
        await client.send('POST', `/api/v1/admin/session-hosts/${encodeURIComponent(ids[0])}/${PATHS[action]}`);
        notice.show(
          action === 'POWER_OFF'
            ? `${hosts[0].name} is told to power off; it is listed as powered off once its agent has agreed.`
            : `A Wake-on-LAN packet went to ${hosts[0].name}; it takes sessions again once resumed after its agent reports.`,
          { variant: 'success', testId: 'host-outcome' },
        );
        list.reload();
        return;
      }
      if (ids.length === 1) {
        await client.send('POST', `/api/v1/admin/session-hosts/${encodeURIComponent(ids[0])}/${PATHS[action]}`);
        result = { succeeded: 1, failed: 0, results: [{ id: ids[0], status: 200, reason: null, detail: null }] };
      } else {
        result = (await client.send<BulkResult>('POST', '/api/v1/admin/session-hosts/bulk', { action, ids })).value;
      }
      const outcome = bulkWords(result, action, Object.fromEntries(hosts.map((h) => [h.id, h.name])));
      notice.show(outcome.done, {
        variant: outcome.refused.length ? 'warning' : 'success',
        testId: 'host-outcome',
        body:
          outcome.refused.length > 0 ? (
            <List>
              {outcome.refused.map((r) => (
                <ListItem key={r}>{r}</ListItem>
              ))}
            </List>
          ) : undefined,
      });
      setSelected(new Map());
      list.reload();
    });

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
        const power = h.power ? powerView(h).line : null;
        return (
          <>
            <Label color={s.colour}>{s.label}</Label>{' '}
            <span className="dp-secondary">
              since <When at={h.stateChangedAt} />
            </span>
            {power && (
              <div className="dp-secondary" data-testid={`power-${h.name}`}>
                {power}
              </div>
            )}
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
  const pick = (hosts: SessionHostDetail[], action: Pending['action']) => {
    notice.clear();
    pending.ask({ action, hosts });
  };
  const selectedHosts = [...selected.values()];

  return (
    <>
      <ConsoleList
        state={state}
        notice={notice}
        label="Session hosts"
        columns={columns}
        rowKey={(h) => h.id}
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
                  {h.power && powerView(h).canPowerOff && (
                    <>
                      <Button variant="secondary" size="sm" onClick={() => pick([h], 'POWER_OFF')} aria-label={`Power off ${h.name}`}>
                        Power off
                      </Button>{' '}
                    </>
                  )}
                  {h.power && powerView(h).canWake && (
                    <>
                      <Button variant="secondary" size="sm" onClick={() => pick([h], 'WAKE')} aria-label={`Wake ${h.name}`}>
                        Wake
                      </Button>{' '}
                    </>
                  )}
                  {h.agent && h.power && (
                    <Button variant="link" size="sm" onClick={() => setPowering(h)} aria-label={`Power settings of ${h.name}`}>
                      Power…
                    </Button>
                  )}
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
      {pending.pending && (
        <ConfirmModal
          title={confirmTitle(pending.pending)}
          confirmLabel={{ DRAIN: 'Drain', RESUME: 'Resume', POWER_OFF: 'Power off', WAKE: 'Wake' }[pending.pending.action]}
          danger={pending.pending.action === 'DRAIN' || pending.pending.action === 'POWER_OFF'}
          busy={pending.busy}
          problem={pending.problem}
          onConfirm={() => void act()}
          onCancel={pending.cancel}
        >
          {
            {
              DRAIN: 'New sessions are no longer placed there; sessions running now go on and their users can reconnect. Use it before maintenance, then log the remaining users off or wait for them to leave.',
              RESUME: 'New sessions can be placed there again.',
              POWER_OFF: 'Its agent runs its power-off command (it has no session and takes none while drained). Wake it from here later, or let the pool wake it when the forecast needs it.',
              WAKE: 'A Wake-on-LAN packet goes to its network card (again every few minutes if it does not answer). Once its agent reports it is back, still drained: resume it, or the pool resumes it when it needs it.',
            }[pending.pending.action]
          }
        </ConfirmModal>
      )}
      {powering && <PowerModal host={powering} onClose={() => setPowering(null)} onDone={list.reload} />}
      {enrolling && <EnrolHostModal host={enrolling === 'new' ? undefined : enrolling} onClose={() => setEnrolling(null)} onDone={list.reload} />}
    </>
  );
}

function confirmTitle({ action, hosts }: Pending): string {
  const what = hosts.length === 1 ? hosts[0].name : `${hosts.length} hosts`;
  return { DRAIN: `Drain ${what}?`, RESUME: `Resume ${what}?`, POWER_OFF: `Power off ${what}?`, WAKE: `Wake ${what}?` }[action];
}
