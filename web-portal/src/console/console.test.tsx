import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, queryOf, renderApp, resetBetweenTests, type Answer } from './testConsole';
import { emptySnapshot } from './dashboard/dashboardFixture';

const pool = (id: string, name: string) => ({
  id,
  tenantId: 't-1',
  name,
  description: null,
  kind: 'POOLED',
  enabled: true,
  loadBalancing: null,
  idleTimeoutSeconds: 3600,
  idleAction: 'DISCONNECT',
  disconnectTimeoutSeconds: null,
  maxSessionSeconds: null,
  recordSessions: false,
  prepareTimeoutSeconds: null,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
});

resetBetweenTests();

describe('landing by role', () => {
  it('lands a tenant admin on the console, with a link to their own desktops', async () => {
    renderApp('/', ['TENANT_ADMIN', 'USER'], (c) =>
      c.url === '/api/v1/admin/dashboard' ? { body: emptySnapshot() } : c.url === '/api/v1/pools' ? { body: [] } : undefined,
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' }, { timeout: 5000 })).toBeInTheDocument();
    // no EventSource here (jsdom): the dashboard is read every 30 s instead, and says so
    expect(await screen.findByText('No pools yet', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('live-status')).toHaveTextContent('Updated every 30 s');
    // below the xl breakpoint (jsdom's window) the sections sit behind the masthead's toggle
    await userEvent.click(screen.getByRole('button', { name: "Show or hide the console's sections" }));
    const nav = screen.getByRole('navigation', { name: 'Console sections' });
    expect(within(nav).getAllByRole('link').map((l) => l.textContent)).toEqual(['Dashboard', 'Pools', 'Sessions', 'Hosts', 'Licences', 'Usage', 'Webhooks', 'Users and groups', 'Audit trail']);
    expect(screen.queryByTestId('tenant-switcher')).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId('my-desktops-link'));
    expect(await screen.findByText('No desktops yet')).toBeInTheDocument();
    expect(screen.getByTestId('console-link')).toHaveAttribute('href', '/console');
  });

  it('leaves a plain user on My desktops, with no way into the console', async () => {
    renderApp('/console/users', ['USER'], (c) => (c.url === '/api/v1/pools' ? { body: [] } : undefined));
    expect(await screen.findByText('No desktops yet')).toBeInTheDocument();
    expect(screen.queryByTestId('console-link')).not.toBeInTheDocument();
  });

  it('lands help desk on sessions and keeps the tenants page from it', async () => {
    const calls = renderApp('/console/tenants', ['HELPDESK'], (c) =>
      pathOf(c.url).startsWith('/api/v1/admin/') ? { body: [] } : undefined,
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(calls.some((c) => c.url.startsWith('/api/v1/admin/tenants'))).toBe(false);
  });
});

describe('the shared list (pools)', () => {
  it('pages by the broker’s next link, goes back, shows the total and sorts by the endpoint’s keys', async () => {
    const next = '/api/v1/admin/pools?limit=50&sort=name&cursor=abc';
    const calls = renderApp('/console/pools', ['TENANT_ADMIN'], (c) => {
      if (pathOf(c.url) !== '/api/v1/admin/pools') {
        return undefined;
      }
      if (queryOf(c.url).get('cursor') === 'abc') {
        return { body: [pool('p3', 'Gamma')] };
      }
      return { body: [pool('p1', 'Alpha'), pool('p2', 'Beta')], headers: { Link: `<${next}>; rel="next"`, 'X-Total-Count': '3' } };
    });
    expect(await screen.findByRole('link', { name: 'Alpha' })).toHaveAttribute('href', '/console/pools/p1');
    expect(screen.getByTestId('Pools-range')).toHaveTextContent('Showing 1–2 of 3');
    expect(queryOf(calls.filter((c) => pathOf(c.url) === '/api/v1/admin/pools')[0].url).get('sort')).toBe('name');

    await userEvent.click(screen.getByRole('button', { name: 'Next page of Pools' }));
    expect(await screen.findByRole('link', { name: 'Gamma' })).toBeInTheDocument();
    expect(calls.map((c) => c.url)).toContain(next);
    expect(screen.getByTestId('Pools-range')).toHaveTextContent('Showing 3–3 of 3');
    expect(screen.getByRole('button', { name: 'Next page of Pools' })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Previous page of Pools' }));
    expect(await screen.findByRole('link', { name: 'Alpha' })).toBeInTheDocument();

    await userEvent.click(within(screen.getByRole('grid', { name: 'Pools' })).getByRole('button', { name: /Name/ }));
    await waitFor(() => expect(calls.some((c) => queryOf(c.url).get('sort') === '-name')).toBe(true));
  });

  it('says what to do when a filter matches nothing, and clears it', async () => {
    const calls = renderApp('/console/pools?kind=SHARED', ['TENANT_ADMIN'], (c) =>
      pathOf(c.url) === '/api/v1/admin/pools' ? { body: queryOf(c.url).get('kind') ? [] : [pool('p1', 'Alpha')] } : undefined,
    );
    expect(await screen.findByText('No pools match these filters')).toBeInTheDocument();
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/v1/admin/pools')!.url).get('kind')).toBe('SHARED');
    await userEvent.click(screen.getAllByRole('button', { name: /Clear all filters/ })[0]);
    expect(await screen.findByRole('link', { name: 'Alpha' })).toBeInTheDocument();
  });
});

const session = {
  id: 's1',
  poolId: 'p1',
  poolName: 'Office',
  poolKind: 'POOLED',
  userId: 'u1',
  username: 'alice',
  state: 'CONNECTED',
  endReason: null,
  createdAt: '2026-12-05T09:00:00Z',
  stateChangedAt: '2026-12-05T09:00:00Z',
  changedBy: null,
};

describe('sessions', () => {
  it('logs a user off only after confirming, and filters by pool', async () => {
    const calls = renderApp('/console/sessions', ['HELPDESK'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions') {
        return { body: [session] };
      }
      if (p === '/api/v1/admin/pools') {
        return { body: [pool('p1', 'Office')] };
      }
      if (p === '/api/v1/admin/sessions/s1/logoff') {
        return { body: { ...session, state: 'ENDED' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Log off alice from Office' }));
    expect(calls.some((c) => c.url.endsWith('/logoff'))).toBe(false);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('unsaved work is lost');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Log off' }));
    expect(await screen.findByText('alice was logged off from Office.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/admin/sessions/s1/logoff']);

    await userEvent.selectOptions(screen.getByLabelText('Pool'), 'Office');
    await waitFor(() => expect(calls.some((c) => queryOf(c.url).get('poolId') === 'p1')).toBe(true));
  });

  it('shows a refused disconnect in words in the dialog', async () => {
    renderApp('/console/sessions', ['TENANT_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions') {
        return { body: [session] };
      }
      if (p.endsWith('/disconnect')) {
        return { status: 409, body: { reason: 'INVALID_STATE', detail: 'The session has already ended' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Disconnect alice from Office' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Disconnect' }));
    const problem = await screen.findByTestId('confirm-problem');
    expect(problem).toHaveTextContent('Not possible right now');
    expect(problem).toHaveTextContent('The session has already ended');
    expect(problem).toHaveTextContent('Refresh the list');
  });
});

const alice = { id: 'u1', tenantId: 't-1', username: 'alice', displayName: 'Alice', email: null, roles: ['USER'], enabled: true, createdAt: '2026-12-01T10:00:00Z' };

describe('users: edits made from a version', () => {
  it('tells the admin another admin saved first, reloads their version, and saves over that one', async () => {
    let version = 3;
    let server = { ...alice };
    const calls = renderApp('/console/users', ['TENANT_ADMIN'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/users' && c.method === 'GET') {
        return { body: [server], headers: { 'X-Total-Count': '1' } };
      }
      if (p === '/api/v1/admin/users/u1' && c.method === 'GET') {
        return { body: server, headers: { ETag: `"${version}"` } };
      }
      if (p === '/api/v1/admin/users/u1' && c.method === 'PATCH') {
        if (c.headers['If-Match'] !== `"${version}"`) {
          return { status: 412, body: { reason: 'STALE_VERSION', objectType: 'User', currentVersion: version, currentETag: `"${version}"` } };
        }
        server = { ...server, ...(c.body as object) };
        version++;
        return { body: server, headers: { ETag: `"${version}"` } };
      }
      return undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit alice' }));
    const name = await screen.findByLabelText('Display name');
    expect(name).toHaveValue('Alice');

    // meanwhile another admin renames her
    server = { ...server, displayName: 'Alice Martin' };
    version = 4;

    await userEvent.clear(name);
    await userEvent.type(name, 'Alice M.');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const stale = await screen.findByTestId('stale-version');
    expect(stale).toHaveTextContent('Someone else changed this');
    expect(stale).toHaveTextContent('nothing was overwritten');
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0].headers['If-Match']).toBe('"3"');
    expect(patches[0].body).toEqual({ displayName: 'Alice M.' });

    await userEvent.click(within(stale).getByRole('button', { name: 'Reload their version' }));
    await waitFor(() => expect(screen.getByLabelText('Display name')).toHaveValue('Alice Martin'));
    await userEvent.click(screen.getByLabelText('Tenant admin'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('User alice was saved.')).toBeInTheDocument();
    const second = calls.filter((c) => c.method === 'PATCH')[1];
    expect(second.headers['If-Match']).toBe('"4"');
    expect(second.body).toEqual({ roles: ['USER', 'TENANT_ADMIN'] });
    expect(server.displayName).toBe('Alice Martin');
  });

  it('shows help desk the users without create or edit', async () => {
    renderApp('/console/users', ['HELPDESK'], (c) => (pathOf(c.url) === '/api/v1/admin/users' ? { body: [alice] } : undefined));
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New user' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit alice' })).not.toBeInTheDocument();
  });
});

const tenant = { id: 't-2', slug: 'acme', name: 'Acme', maxConcurrentSessions: 10, maxDesktops: 20, activeSessions: 1, desktopCount: 2, createdAt: '2026-12-01T10:00:00Z', updatedAt: '2026-12-01T10:00:00Z' };

describe('platform admins', () => {
  it('switch into a tenant explicitly: shown in the header and named in every admin call', async () => {
    const calls = renderApp('/console/tenants', ['PLATFORM_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/tenants') {
        return { body: [tenant] };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Act in Acme' }));
    expect(screen.getByTestId('acting-tenant')).toHaveTextContent('Organisation: Acme');
    expect(screen.getByLabelText('Acting in')).toHaveValue('t-2');
    await userEvent.click(screen.getByRole('button', { name: "Show or hide the console's sections" }));
    await userEvent.click(screen.getByRole('link', { name: 'Pools' }));
    await screen.findByRole('heading', { level: 1, name: 'Pools' });
    await waitFor(() => expect(calls.find((c) => pathOf(c.url) === '/api/v1/admin/pools')?.headers['X-Deskport-Tenant']).toBe('t-2'));

    await userEvent.selectOptions(screen.getByLabelText('Acting in'), 'My own organisation');
    expect(screen.queryByTestId('acting-tenant')).not.toBeInTheDocument();
    await waitFor(() => {
      const last = calls.filter((c) => pathOf(c.url) === '/api/v1/admin/pools').at(-1);
      expect(last?.headers['X-Deskport-Tenant']).toBeUndefined();
    });
  });

  it('onboard a tenant and see a refusal in words, naming the field', async () => {
    const calls = renderApp('/console/tenants', ['PLATFORM_ADMIN'], (c) => {
      if (pathOf(c.url) === '/api/v1/admin/tenants' && c.method === 'POST') {
        return { status: 400, body: { reason: 'VALIDATION_FAILED', errors: [{ field: 'slug', message: "lowercase letters, digits and '-', 2-63 characters" }] } };
      }
      return pathOf(c.url) === '/api/v1/admin/tenants' ? { body: [] } : undefined;
    });
    await userEvent.click((await screen.findAllByRole('button', { name: 'New organisation' }))[0]);
    await userEvent.type(screen.getByLabelText(/Short name/), 'Acme!');
    await userEvent.type(screen.getByLabelText(/^Name/), 'Acme');
    await userEvent.click(screen.getByRole('button', { name: 'Create organisation' }));
    expect(await screen.findByText('Some values are not accepted')).toBeInTheDocument();
    expect(screen.getByLabelText(/Short name/)).toHaveAccessibleDescription(/^lowercase letters, digits and '-', 2-63 characters/);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ slug: 'Acme!', name: 'Acme', maxConcurrentSessions: 50, maxDesktops: 100 });
  });
});
