import { useEffect, useState } from 'react';
import { Button, Content, Flex, FlexItem, Label, PageSection, Title, ToolbarItem } from '@patternfly/react-core';
import { EyeIcon } from '@patternfly/react-icons';
import { Link, useNavigate } from 'react-router-dom';

import { ConsoleList, useConsoleList, useNotice, usePendingAction, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { ConfirmModal, SelectFilter, TextFilter, When } from '../controls';
import type { AdminPool, AdminSession, SessionHost } from '../adminTypes';
import { useNames } from '../names';
import { SESSION_STATES, sessionStateWords } from '../words';
import { canShadow, sessionPath, shadowPath } from '../sessions/SessionPage';
import { LiveIndicator } from '../dashboard/LiveIndicator';
import { sessionsSignature } from '../dashboard/liveFeed';
import { useLiveChanges } from '../dashboard/useLiveDashboard';

const FILTERS = ['q', 'poolId', 'hostId', 'userId', 'state'] as const;

/** "ALL" in the state filter: ended sessions too (liveOnly=false); "" is the broker's default, live ones only. */
export function sessionQuery(f: Record<FilterKey<typeof FILTERS>, string>) {
  const { state, ...rest } = f;
  if (state === 'ALL') {
    return { ...rest, liveOnly: false };
  }
  return { ...rest, state };
}

type Action = { kind: 'disconnect' | 'logoff'; session: AdminSession };

const STATE_COLOURS: Record<string, 'blue' | 'green' | 'orange' | 'grey' | 'purple'> = {
  PREPARING: 'purple',
  READY: 'blue',
  CONNECTED: 'green',
  DISCONNECTED: 'orange',
  ENDED: 'grey',
};

/** The tenant's sessions with shadow (view only), disconnect and log off (help desk too). */
export function SessionsPage() {
  const state = useConsoleList<AdminSession, FilterKey<typeof FILTERS>>('/api/v1/admin/sessions', FILTERS, '-createdAt', { query: sessionQuery });
  const { client, filters: f, list } = state;
  // kept live: the tenant's dashboard stream tells when sessions start, change or end, and the page shown is read again
  const live = useLiveChanges(client, sessionsSignature, list.reload);
  const navigate = useNavigate();
  const [pools, setPools] = useState<AdminPool[]>([]);
  const [hosts, setHosts] = useState<SessionHost[]>([]);
  const action = usePendingAction<Action>();
  const notice = useNotice();
  const filterUser = useNames(client, 'users', [f.filters.userId]);

  useEffect(() => {
    client.page<AdminPool>('/api/v1/admin/pools?sort=name&limit=1000').then((p) => setPools(p.rows)).catch(() => setPools([]));
    client
      .page<SessionHost>('/api/v1/admin/session-hosts?sort=name&limit=1000')
      .then((p) => setHosts(p.rows))
      .catch(() => setHosts([]));
  }, [client]);

  const act = () =>
    action.run(async ({ kind, session: s }) => {
      await client.send('POST', `/api/v1/admin/sessions/${encodeURIComponent(s.id)}/${kind}`);
      notice.show(
        kind === 'disconnect'
          ? `${s.username}’s session in ${s.poolName} was disconnected; it waits for them to reconnect.`
          : `${s.username} was logged off from ${s.poolName}.`,
      );
      list.reload();
    });

  const columns: Column<AdminSession>[] = [
    {
      title: 'User',
      render: (s) => <Link to={`/console/sessions?userId=${encodeURIComponent(s.userId)}`}>{s.username}</Link>,
    },
    { title: 'Pool', render: (s) => <Link to={`/console/pools/${s.poolId}`}>{s.poolName}</Link> },
    { title: 'Machine', render: (s) => s.machineName ?? '—' },
    {
      title: 'State',
      sortKey: 'stateChangedAt',
      render: (s) => (
        <>
          <Label color={STATE_COLOURS[s.state] ?? 'grey'}>{sessionStateWords(s.state)}</Label>{' '}
          <span className="dp-secondary">
            since <When at={s.stateChangedAt} />
            {s.changedBy && ` by ${s.changedBy.displayName}`}
            {s.endReason && ` (${s.endReason.toLowerCase().replace(/_/g, ' ')})`}
          </span>
        </>
      ),
    },
    { title: 'Started', sortKey: 'createdAt', render: (s) => <When at={s.createdAt} /> },
    {
      title: 'Session',
      render: (s) => (
        <Link to={sessionPath(s.id)} aria-label={`Details and recordings of ${s.username}’s session in ${s.poolName}`}>
          Details
        </Link>
      ),
    },
  ];

  const hostName = (id: string) => hosts.find((h) => h.id === id)?.name;

  return (
    <PageSection>
      <Flex alignItems={{ default: 'alignItemsCenter' }}>
        <FlexItem>
          <Title headingLevel="h1">Sessions</Title>
        </FlexItem>
        <FlexItem>
          <LiveIndicator status={live} />
        </FlexItem>
      </Flex>
      <Content component="p" className="dp-secondary">
        Live sessions by default. Shadowing shows you the user’s screen, view only (where the pool says so, they are
        told). Disconnecting keeps the user’s work running until they reconnect; logging off ends the session and
        everything open in it.
      </Content>
      <ConsoleList
        state={state}
        notice={notice}
        label="Sessions"
        columns={columns}
        rowKey={(s) => s.id}
        actions={(s) =>
          s.state === 'ENDED' ? null : (
            <>
              {canShadow(s) && (
                <Button variant="secondary" size="sm" icon={<EyeIcon />} onClick={() => navigate(shadowPath(s.id))} aria-label={`Shadow ${s.username}’s screen in ${s.poolName} (view only)`}>
                  Shadow
                </Button>
              )}{' '}
              {(s.state === 'CONNECTED' || s.state === 'READY') && (
                <Button variant="secondary" size="sm" onClick={() => action.ask({ kind: 'disconnect', session: s })} aria-label={`Disconnect ${s.username} from ${s.poolName}`}>
                  Disconnect
                </Button>
              )}{' '}
              <Button variant="danger" size="sm" onClick={() => action.ask({ kind: 'logoff', session: s })} aria-label={`Log off ${s.username} from ${s.poolName}`}>
                Log off
              </Button>
            </>
          )
        }
        toolbar={
          <>
            <TextFilter label="Search sessions by username or machine" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="User or machine" />
            {f.filters.userId && (
              <ToolbarItem>
                <Label onClose={() => f.setFilter('userId', '')} closeBtnAriaLabel="Show every user’s sessions">
                  User: {filterUser[f.filters.userId] ?? '…'}
                </Label>
              </ToolbarItem>
            )}
            <SelectFilter
              id="sessions-state"
              label="State"
              anyLabel="Live (not ended)"
              value={f.filters.state}
              onChange={(v) => f.setFilter('state', v)}
              options={[...SESSION_STATES, { value: 'ALL', label: 'All, ended ones too' }]}
            />
            <SelectFilter
              id="sessions-pool"
              label="Pool"
              value={f.filters.poolId}
              onChange={(v) => f.setFilter('poolId', v)}
              options={pools.map((p) => ({ value: p.id, label: p.name }))}
            />
            {(hosts.length > 0 || f.filters.hostId) && (
              <SelectFilter
                id="sessions-host"
                label="Session host"
                value={f.filters.hostId}
                onChange={(v) => f.setFilter('hostId', v)}
                options={hosts.map((h) => ({ value: h.id, label: hostName(h.id) ?? h.id }))}
              />
            )}
          </>
        }
        empty={{
          title: 'Nobody is working right now',
          body: 'No session is live. Sessions appear here as soon as a user connects; choose “All, ended ones too” under State to see past ones.',
        }}
      />
      {action.pending && (
        <ConfirmModal
          title={action.pending.kind === 'disconnect' ? `Disconnect ${action.pending.session.username}?` : `Log off ${action.pending.session.username}?`}
          confirmLabel={action.pending.kind === 'disconnect' ? 'Disconnect' : 'Log off'}
          danger={action.pending.kind === 'logoff'}
          busy={action.busy}
          problem={action.problem}
          onConfirm={() => void act()}
          onCancel={action.cancel}
        >
          {action.pending.kind === 'disconnect'
            ? `${action.pending.session.username}’s screen in ${action.pending.session.poolName} closes; their programs keep running and they can reconnect. They are told a help-desk agent disconnected them.`
            : `${action.pending.session.username}’s session in ${action.pending.session.poolName} ends: programs still open in it close and unsaved work is lost.`}
        </ConfirmModal>
      )}
    </PageSection>
  );
}
