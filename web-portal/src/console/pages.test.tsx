import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { detailWords, objectLink } from './pages/AuditPage';
import { sessionQuery } from './pages/SessionsPage';
import { pathOf, queryOf, renderApp, resetBetweenTests, type Answer } from './testConsole';

resetBetweenTests();

const office = {
  id: 'p1',
  name: 'Office',
  description: 'Fresh desktops',
  kind: 'POOLED',
  enabled: true,
  idleTimeoutSeconds: null,
  idleAction: 'DISCONNECT',
  disconnectTimeoutSeconds: 900,
  maxSessionSeconds: null,
  recordSessions: true,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};

describe('a pool’s page', () => {
  it('shows provisioning with the reconciler’s notes, desktops with their owners’ names as listed, and entitles a group', async () => {
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1') {
        return { body: office, headers: { ETag: '"2"' } };
      }
      if (p === '/api/v1/admin/pools/p1/provisioning') {
        return {
          body: {
            enabled: true,
            minSize: 2,
            maxSize: 4,
            spareTarget: 1,
            simulated: true,
            desktops: 3,
            desktopsByState: { READY: 1, IN_USE: 1, FAILED: 1 },
            desktopsOnTargetImage: 3,
            currentImage: { id: 'i1', label: 'win11-2026-11' },
            recentRefusals: 0,
            notes: [{ poolId: 'p1', code: 'NO_HOST_CAPACITY', count: 2, detail: '0 of 2 hosts have room' }],
          },
        };
      }
      if (p === '/api/v1/admin/pools/p1/desktops') {
        return {
          body: [
            { id: 'd1', name: 'office-01', state: 'IN_USE', assignedUserId: 'u1', assignedUsername: 'alice', assignedUserDisplayName: 'Alice Example', consoleHost: '10.0.0.1', consolePort: 5900, managed: true, failureReason: null, createdAt: '2026-12-01T10:00:00Z', stateChangedAt: '2026-12-01T10:00:00Z' },
            { id: 'd2', name: 'office-02', state: 'FAILED', assignedUserId: null, consoleHost: '10.0.0.2', consolePort: 5900, managed: true, failureReason: 'clone failed: disk full', createdAt: '2026-12-01T10:00:00Z', stateChangedAt: '2026-12-01T10:00:00Z' },
          ],
          headers: { 'X-Total-Count': '2' },
        };
      }
      if (p === '/api/v1/admin/groups') {
        return { body: [{ id: 'g1', name: 'Staff' }, { id: 'g2', name: 'Engineers' }] };
      }
      if (p === '/api/v1/admin/pools/p1/entitlements' && c.method === 'POST') {
        return { status: 201, body: { id: 'e2', poolId: 'p1', groupId: 'g2' } };
      }
      if (p === '/api/v1/admin/pools/p1/entitlements') {
        return {
          body: [
            { id: 'e1', poolId: 'p1', userId: null, groupId: 'g1', createdAt: '2026-12-01T10:00:00Z', groupName: 'Staff' },
            { id: 'e3', poolId: 'p1', userId: 'u2', groupId: null, createdAt: '2026-12-01T10:00:00Z', username: 'bob', userDisplayName: null },
          ],
        };
      }
      return undefined;
    });
    expect(await screen.findByRole('heading', { level: 1, name: /Office/ })).toBeInTheDocument();
    expect(await screen.findByTestId('desktops-by-state')).toHaveTextContent('3: 1 ready, 1 in use, 1 broken');
    expect(screen.getByTestId('plan-notes')).toHaveTextContent('No healthy host outside maintenance has room for another desktop. (2 actions held back) 0 of 2 hosts have room');
    const desktops = await screen.findByRole('grid', { name: 'Desktops' });
    expect(await within(desktops).findByText('Alice Example')).toBeInTheDocument();
    expect(within(desktops).getByText('clone failed: disk full')).toBeInTheDocument();
    expect(await screen.findByText('Group Staff')).toBeInTheDocument();
    expect(screen.getByText('User bob')).toBeInTheDocument();
    // the names come with the rows: no request per user or group
    expect(calls.filter((c) => /^\/api\/v1\/admin\/(users|groups)\/[^/]+$/.test(pathOf(c.url)))).toEqual([]);

    await userEvent.selectOptions(screen.getByLabelText('Entitle a group'), 'Engineers');
    await userEvent.click(screen.getByRole('button', { name: 'Entitle group' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ groupId: 'g2' }));
    await waitFor(() => expect(calls.filter((c) => pathOf(c.url) === '/api/v1/admin/pools/p1/entitlements' && c.method === 'GET')).toHaveLength(2));
  });

  it('says in words that a pool is not provisioned, and help desk cannot change entitlements', async () => {
    renderApp('/console/pools/p1', ['HELPDESK'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1') {
        return { body: office };
      }
      if (p === '/api/v1/admin/pools/p1/provisioning') {
        return { status: 409, body: { reason: 'INVALID_STATE', detail: 'Pool p1 is not provisioned yet; set its provisioning settings first' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    expect(await screen.findByTestId('no-provisioning')).toHaveTextContent('its desktops are registered by their console address');
    // the console's words, not the API's detail (no request paths on the page)
    expect(screen.getByTestId('no-provisioning')).not.toHaveTextContent('not provisioned yet');
    expect(await screen.findByText('Nobody may use this pool yet')).toBeInTheDocument();
    expect(screen.queryByLabelText('Entitle a group')).not.toBeInTheDocument();
  });
});

describe('audit trail', () => {
  it('filters by an actor found by username, by action and by time, newest first', async () => {
    const calls = renderApp('/console/audit', ['HELPDESK'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/audit') {
        return {
          body: [{ id: 9, occurredAt: '2026-12-05T10:00:00Z', actorId: 'u9', actorName: 'admin', action: 'POOL_UPDATED', objectType: 'DESKTOP_POOL', objectId: 'p1', details: { name: 'Office' } }],
        };
      }
      if (p === '/api/v1/admin/users' && queryOf(c.url).get('q') === 'admin') {
        return { body: [{ id: 'u9', username: 'Admin' }, { id: 'u10', username: 'admin2' }] };
      }
      if (p === '/api/v1/admin/users/u9') {
        return { body: { id: 'u9', username: 'admin' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    expect(await screen.findByRole('link', { name: 'Pool' })).toHaveAttribute('href', '/console/pools/p1');
    // newest first by time: each filter is then one range of the trail's indexes
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/v1/admin/audit')!.url).get('sort')).toBe('-occurredAt');

    await userEvent.type(screen.getByRole('textbox', { name: 'Actor (exact username)' }), 'admin{Enter}');
    expect(await screen.findByText('Actor: admin')).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => queryOf(c.url).get('actorId') === 'u9')).toBe(true));

    await userEvent.type(screen.getByRole('textbox', { name: 'Action, e.g. USER_UPDATED' }), 'pool_updated{Enter}');
    await waitFor(() => expect(calls.some((c) => queryOf(c.url).get('action') === 'POOL_UPDATED')).toBe(true));

    await userEvent.type(screen.getByLabelText('From'), '2026-12-01T08:30');
    await waitFor(() => expect(calls.some((c) => queryOf(c.url).get('since') === new Date('2026-12-01T08:30').toISOString())).toBe(true));
  });

  it('says when no user has the actor’s name', async () => {
    renderApp('/console/audit', ['TENANT_ADMIN'], (c) => (pathOf(c.url).startsWith('/api/v1/admin/') ? { body: [] } : undefined));
    await userEvent.type(await screen.findByRole('textbox', { name: 'Actor (exact username)' }), 'nobody{Enter}');
    expect(await screen.findByText('No user named nobody')).toBeInTheDocument();
  });

  it('links lines to their objects where the console has a page', () => {
    expect(objectLink({ objectType: 'DESKTOP_POOL', objectId: 'p1', details: null }, false)).toBe('/console/pools/p1');
    expect(objectLink({ objectType: 'SESSION', objectId: 's1', details: { userId: 'u1' } }, false)).toBe('/console/sessions/s1');
    expect(objectLink({ objectType: 'SESSION', objectId: '', details: { userId: 'u1' } }, false)).toBe('/console/sessions?userId=u1&state=ALL');
    expect(objectLink({ objectType: 'USER', objectId: 'u1', details: { username: 'alice' } }, false)).toBe('/console/users?q=alice');
    expect(objectLink({ objectType: 'TENANT', objectId: 't1', details: { slug: 'acme' } }, false)).toBeNull();
    expect(objectLink({ objectType: 'TENANT', objectId: 't1', details: { slug: 'acme' } }, true)).toBe('/console/tenants?q=acme');
    expect(detailWords({ from: 'CONNECTED', to: 'DISCONNECTED', poolId: 'p1' })).toBe('from: CONNECTED, to: DISCONNECTED');
  });
});

describe('sessionQuery', () => {
  it('asks for live sessions by default and every session for "ALL"', () => {
    const base = { q: '', poolId: 'p1', hostId: '', userId: '' };
    expect(sessionQuery({ ...base, state: '' })).toEqual({ ...base, state: '' });
    expect(sessionQuery({ ...base, state: 'ALL' })).toEqual({ ...base, liveOnly: false });
    expect(sessionQuery({ ...base, state: 'DISCONNECTED' })).toEqual({ ...base, state: 'DISCONNECTED' });
  });
});
