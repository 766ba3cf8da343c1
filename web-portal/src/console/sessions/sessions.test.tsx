import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, renderApp as renderConsole, resetBetweenTests, type Answer, type Route } from '../testConsole';

/** The app signed in as `desk` with these roles (the console's one fake broker). */
const renderApp = (path: string, roles: string[], route: Route) => renderConsole(path, roles, route, 'desk');

resetBetweenTests();

const session = (id: string, state: string) => ({
  id,
  poolId: 'p1',
  poolName: 'Office',
  poolKind: 'POOLED',
  userId: 'u1',
  username: 'alice',
  state,
  endReason: null,
  desktopId: 'd1',
  sessionHostId: null,
  machineName: 'office-01',
  createdAt: '2026-12-05T09:00:00Z',
  stateChangedAt: '2026-12-05T09:00:00Z',
  connectedAt: null,
  lastActivityAt: null,
  endedAt: null,
  disconnectedBy: null,
  changedBy: null,
});

describe('shadowing in the console', () => {
  it('offers Shadow for a session whose user is connected, not for one waiting for them', async () => {
    renderApp('/console/sessions', ['HELPDESK'], (c): Answer | undefined => {
      if (pathOf(c.url) === '/api/v1/admin/sessions') {
        return { body: [session('s1', 'CONNECTED'), { ...session('s2', 'DISCONNECTED'), username: 'bob' }], headers: { 'X-Total-Count': '2' } };
      }
      return pathOf(c.url).startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    expect(await screen.findByRole('button', { name: 'Shadow alice’s screen in Office (view only)' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Shadow bob’s screen in Office (view only)' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Details and recordings of bob’s session in Office' })).toHaveAttribute('href', '/console/sessions/s2');
  });

  it('says in words why a session cannot be watched, and sends nothing but the ticket request', async () => {
    const calls = renderApp('/console/sessions/s2/shadow', ['HELPDESK'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions/s2/shadow' && c.method === 'POST') {
        return { status: 409, body: { reason: 'SESSION_NOT_CONNECTED', sessionState: 'DISCONNECTED', detail: 'The session is disconnected' } };
      }
      if (p === '/api/v1/admin/sessions/s2') {
        return { body: session('s2', 'DISCONNECTED') };
      }
      return undefined;
    });
    const problem = await screen.findByTestId('shadow-problem');
    expect(problem).toHaveTextContent('Nobody is looking at this session’s screen');
    expect(problem).toHaveTextContent('The session is disconnected: its user does not have their desktop open');
    expect(screen.getByTestId('view-only')).toHaveTextContent('View only');
    expect(await screen.findByRole('heading', { level: 1, name: 'alice’s screen in Office' })).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => pathOf(c.url))).toEqual(['/api/v1/admin/sessions/s2/shadow']);
    await userEvent.click(screen.getByRole('button', { name: 'Back to the session' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Recordings' })).toBeInTheDocument();
  });

  it('names the broker that serves the session when another one is asked', async () => {
    renderApp('/console/sessions/s1/shadow', ['TENANT_ADMIN'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions/s1/shadow') {
        return { status: 409, body: { reason: 'SESSION_ON_OTHER_BROKER', gateway: 'embedded' } };
      }
      return p === '/api/v1/admin/sessions/s1' ? { body: session('s1', 'CONNECTED') } : undefined;
    });
    expect(await screen.findByTestId('shadow-problem')).toHaveTextContent('Another broker serves this session');
  });

  it('lists a session’s recordings with their size and time, each with a player, and offers Shadow while connected', async () => {
    renderApp('/console/sessions/s1', ['HELPDESK'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions/s1') {
        return { body: session('s1', 'CONNECTED') };
      }
      if (p === '/api/v1/admin/sessions/s1/recordings') {
        return {
          body: [
            { name: 's1-1764925200000', bytes: 1536, modifiedAt: '2026-12-05T09:10:00Z' },
            { name: 's1-1764926000000', bytes: 3_400_000, modifiedAt: '2026-12-05T09:30:00Z' },
          ],
        };
      }
      return undefined;
    });
    const table = await screen.findByRole('grid', { name: 'Recordings' });
    expect(within(table).getByText('1.5 KB')).toBeInTheDocument();
    expect(within(table).getByText('3.2 MB')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'Play recording #2' })).toHaveAttribute('href', '/console/sessions/s1/recordings/s1-1764926000000');
    const shadow = await screen.findByRole('button', { name: 'Shadow alice’s screen in Office (view only)' });
    expect(shadow).toBeEnabled();
  });

  it('explains a session without recordings, and cannot watch an ended one', async () => {
    renderApp('/console/sessions/s3', ['HELPDESK'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions/s3') {
        return { body: session('s3', 'ENDED') };
      }
      return p === '/api/v1/admin/sessions/s3/recordings' ? { body: [] } : undefined;
    });
    expect(await screen.findByText('No recordings')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: /^Shadow alice/ })).toBeDisabled());
    expect(screen.getByText('Only a session whose user is connected now can be watched.')).toBeInTheDocument();
  });
});
