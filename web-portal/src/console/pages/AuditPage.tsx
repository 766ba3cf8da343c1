import { useState } from 'react';
import { Button, Content, FormHelperText, HelperText, HelperTextItem, Label, PageSection, Title, ToolbarItem } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { useAuth } from '../../auth';
import { ConsoleList, useConsoleList, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { SelectFilter, TextFilter, TimeFilter, When } from '../controls';
import type { AdminUser, AuditEntry } from '../adminTypes';
import { useNames } from '../names';
import { isPlatformAdmin } from '../roles';

const FILTERS = ['actorId', 'action', 'objectType', 'objectId', 'since', 'until'] as const;

/** The object types the broker writes into the trail. */
export const OBJECT_TYPES = [
  { value: 'DESKTOP_POOL', label: 'Pool' },
  { value: 'DESKTOP', label: 'Desktop' },
  { value: 'SESSION', label: 'Session' },
  { value: 'USER', label: 'User' },
  { value: 'GROUP', label: 'Group' },
  { value: 'SESSION_HOST', label: 'Session host' },
  { value: 'HYPERVISOR_HOST', label: 'Hypervisor host' },
  { value: 'TENANT', label: 'Organisation' },
  { value: 'LICENCE_PRODUCT', label: 'Licence product' },
  { value: 'LICENCE', label: 'Licence' },
  { value: 'LICENCE_SEAT', label: 'Licence seat' },
  { value: 'WEBHOOK_SUBSCRIPTION', label: 'Webhook subscription' },
];

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Where a line of the trail leads: the page of its object, where the console has one. */
export function objectLink(e: Pick<AuditEntry, 'objectType' | 'objectId' | 'details'>, platform: boolean): string | null {
  const id = e.objectId;
  const d = e.details ?? {};
  switch (e.objectType) {
    case 'DESKTOP_POOL':
      return id ? `/console/pools/${encodeURIComponent(id)}` : null;
    case 'DESKTOP':
      return str(d.poolId) ? `/console/pools/${encodeURIComponent(str(d.poolId)!)}` : null;
    case 'SESSION':
      // the session's own page (its state, its recordings); a line without the id: the user's sessions
      return id ? `/console/sessions/${encodeURIComponent(id)}` : str(d.userId) ? `/console/sessions?userId=${encodeURIComponent(str(d.userId)!)}&state=ALL` : null;
    case 'USER':
      return str(d.username) ? `/console/users?q=${encodeURIComponent(str(d.username)!)}` : '/console/users';
    case 'GROUP':
      return str(d.name) ? `/console/users?tab=groups&q=${encodeURIComponent(str(d.name)!)}` : '/console/users?tab=groups';
    case 'LICENCE_PRODUCT':
      return id ? `/console/licences/${encodeURIComponent(id)}` : '/console/licences';
    case 'LICENCE':
    case 'LICENCE_SEAT':
      return str(d.productId) ? `/console/licences/${encodeURIComponent(str(d.productId)!)}` : '/console/licences';
    case 'SESSION_HOST':
      return str(d.name) ? `/console/hosts?q=${encodeURIComponent(str(d.name)!)}` : '/console/hosts';
    case 'WEBHOOK_SUBSCRIPTION':
      return id ? `/console/webhooks/${encodeURIComponent(id)}` : '/console/webhooks';
    case 'HYPERVISOR_HOST':
      return '/console/hosts?tab=hypervisors';
    case 'TENANT':
      return platform ? (str(d.slug) ? `/console/tenants?q=${encodeURIComponent(str(d.slug)!)}` : '/console/tenants') : null;
    default:
      return null;
  }
}

/** The details of a line in a few words: "from CONNECTED to DISCONNECTED, reason …". */
export function detailWords(details: Record<string, unknown> | null): string {
  if (!details) {
    return '';
  }
  return Object.entries(details)
    .filter(([k, v]) => v !== null && v !== undefined && !/Id$/.test(k))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** The tenant's audit trail, newest first, filtered by actor, action, object and time. */
export function AuditPage() {
  const { user } = useAuth();
  const state = useConsoleList<AuditEntry, FilterKey<typeof FILTERS>>('/api/v1/admin/audit', FILTERS, '-occurredAt');
  const { client, filters: f } = state;
  const actor = useNames(client, 'users', [f.filters.actorId]);
  const [actorMissing, setActorMissing] = useState<string | null>(null);

  const findActor = async (username: string) => {
    setActorMissing(null);
    if (!username) {
      f.setFilter('actorId', '');
      return;
    }
    try {
      const page = await client.page<AdminUser>(`/api/v1/admin/users?q=${encodeURIComponent(username)}&limit=50`);
      const match = page.rows.find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (match) {
        f.setFilter('actorId', match.id);
      } else {
        setActorMissing(username);
      }
    } catch {
      setActorMissing(username);
    }
  };

  const columns: Column<AuditEntry>[] = [
    { title: 'When', sortKey: 'occurredAt', render: (e) => <When at={e.occurredAt} /> },
    {
      title: 'Who',
      render: (e) =>
        e.actorId ? (
          <Button variant="link" isInline onClick={() => f.setFilter('actorId', e.actorId!)} aria-label={`Only what ${e.actorName ?? 'this actor'} did`}>
            {e.actorName ?? e.actorId}
          </Button>
        ) : (
          e.actorName ?? 'Deskport'
        ),
    },
    { title: 'Action', render: (e) => <code>{e.action}</code> },
    {
      title: 'Object',
      render: (e) => {
        const label = OBJECT_TYPES.find((t) => t.value === e.objectType)?.label ?? e.objectType ?? '—';
        const to = objectLink(e, isPlatformAdmin(user));
        return (
          <>
            {to ? <Link to={to}>{label}</Link> : label}{' '}
            {e.objectId && (
              <Button
                variant="link"
                isInline
                className="dp-secondary"
                onClick={() => {
                  f.setFilter('objectType', e.objectType ?? '');
                  f.setFilter('objectId', e.objectId!);
                }}
                aria-label={`…${e.objectId.slice(-8)}: only lines about this ${label.toLowerCase()} (${e.objectId})`}
                title={e.objectId}
              >
                …{e.objectId.slice(-8)}
              </Button>
            )}
          </>
        );
      },
    },
    { title: 'Details', render: (e) => <span className="dp-details">{detailWords(e.details)}</span> },
  ];

  return (
    <PageSection>
      <Title headingLevel="h1">Audit trail</Title>
      <Content component="p" className="dp-secondary">
        Who did what, newest first: sign-ins, admin changes, session changes and the system’s own actions.
      </Content>
      <ConsoleList
        state={state}
        label="Audit lines"
        columns={columns}
        rowKey={(e) => String(e.id)}
        onClearFilters={() => setActorMissing(null)}
        toolbar={
          <>
            {f.filters.actorId ? (
              <ToolbarItem>
                <Label onClose={() => f.setFilter('actorId', '')} closeBtnAriaLabel="Any actor">
                  Actor: {actor[f.filters.actorId] ?? '…'}
                </Label>
              </ToolbarItem>
            ) : (
              <>
                <TextFilter label="Actor (exact username)" value="" onApply={(v) => void findActor(v)} placeholder="Actor username" />
                {actorMissing && (
                  <ToolbarItem>
                    <FormHelperText>
                      <HelperText>
                        <HelperTextItem variant="error" role="status">
                          No user named {actorMissing}
                        </HelperTextItem>
                      </HelperText>
                    </FormHelperText>
                  </ToolbarItem>
                )}
              </>
            )}
            <TextFilter label="Action, e.g. USER_UPDATED" value={f.filters.action} onApply={(v) => f.setFilter('action', v.toUpperCase())} placeholder="Action" />
            <SelectFilter id="audit-object-type" label="Object" value={f.filters.objectType} onChange={(v) => f.setFilter('objectType', v)} options={OBJECT_TYPES} />
            <TextFilter label="Object id" value={f.filters.objectId} onApply={(v) => f.setFilter('objectId', v)} placeholder="Object id" />
            <TimeFilter id="audit-since" label="From" value={f.filters.since} onChange={(v) => f.setFilter('since', v)} />
            <TimeFilter id="audit-until" label="To" value={f.filters.until} onChange={(v) => f.setFilter('until', v)} />
          </>
        }
        empty={{
          title: 'The trail is empty',
          body: 'Nothing has been recorded in this organisation yet; sign-ins and every change will appear here.',
        }}
      />
    </PageSection>
  );
}
