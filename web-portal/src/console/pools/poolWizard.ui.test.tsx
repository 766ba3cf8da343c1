import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, queryOf, renderApp as renderConsole, resetBetweenTests, type Answer, type Route } from '../testConsole';

/** The app signed in as a tenant admin (the console's one fake broker). */
const renderApp = (path: string, route: Route) => renderConsole(path, ['TENANT_ADMIN'], route);

resetBetweenTests();

// a wizard walked through key by key, pages that render late: seconds on a busy machine
vi.setConfig({ testTimeout: 30_000 });

const office = {
  id: 'p1',
  tenantId: 't-1',
  name: 'Office',
  description: 'Fresh desktops',
  kind: 'POOLED',
  enabled: true,
  loadBalancing: 'BREADTH_FIRST',
  idleTimeoutSeconds: null,
  idleAction: 'DISCONNECT',
  disconnectTimeoutSeconds: 900,
  maxSessionSeconds: null,
  recordSessions: true,
  prepareTimeoutSeconds: null,
  clipboardPolicy: 'BOTH',
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};

const impact = {
  poolId: 'p1',
  poolName: 'Office',
  kind: 'POOLED',
  enabled: true,
  whenDisabled: { liveSessionsGoOn: 1, usersWithLiveSessions: 1, entitledUsers: 12, desktopsKept: 3, provisioningGoesOn: false, spareDesktopsKeptStarted: 0 },
  whenDeleted: {
    sessionsEnded: 1,
    connectedSessionsEnded: 1,
    disconnectedSessionsEnded: 0,
    startingSessionsEnded: 0,
    usersAffected: 1,
    sessionHistoryRemoved: 9,
    desktopsRemoved: 3,
    machinesDeleted: 0,
    registeredDesktopsForgotten: 3,
    assignedDesktopsRemoved: 1,
    sessionHostsRemoved: 0,
    userEntitlementsRemoved: 0,
    groupEntitlementsRemoved: 1,
    entitledUsersLosingAccess: 12,
    desktopSeatsFreed: 0,
    concurrentSeatsFreed: 1,
    licenceProducts: ['Office CAL'],
    imageVersionsRemoved: 0,
  },
};

const next = async () => userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Next' }));

describe('the pool wizard', () => {
  it('checks each step in words, lists everything on Review and sets the pool up in one call', async () => {
    const calls = renderApp('/console/pools', (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/setup') {
        return { status: 201, body: { pool: { ...office, id: 'p9', name: 'Lab' } }, headers: { ETag: '"0"' } };
      }
      if (p === '/api/v1/admin/pools/p9') {
        return { body: { ...office, id: 'p9', name: 'Lab', clipboardPolicy: 'NONE' } };
      }
      if (p === '/api/v1/admin/groups' && queryOf(c.url).get('q') === 'staff') {
        return { body: [{ id: 'g1', name: 'Staff', memberIds: ['u1', 'u2'] }], headers: { 'X-Total-Count': '1' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click((await screen.findAllByRole('button', { name: 'New pool' }))[0]);
    const dialog = await screen.findByRole('dialog');

    await next();
    expect(within(dialog).getByText('Give the pool a name: users see it in My desktops.')).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Lab');
    await next();

    // Image: a new version from a golden disk
    await userEvent.click(within(dialog).getByLabelText('Publish a new version'));
    await userEvent.type(within(dialog).getByLabelText(/^Version label/), 'v1');
    await userEvent.type(within(dialog).getByLabelText(/^Golden disk/), 'golden.qcow2');
    await next();
    expect(within(dialog).getByText(/^The full path of the golden disk, starting with \//)).toBeInTheDocument();
    await userEvent.clear(within(dialog).getByLabelText(/^Golden disk/));
    await userEvent.type(within(dialog).getByLabelText(/^Golden disk/), '/images/t-1/golden.qcow2');
    await next();

    // Sizing
    await userEvent.clear(within(dialog).getByLabelText(/^Maximum desktops/));
    await userEvent.type(within(dialog).getByLabelText(/^Maximum desktops/), '0');
    await next();
    expect(within(dialog).getByText('Maximum: a whole number from 1 to 10,000.')).toBeInTheDocument();
    await userEvent.clear(within(dialog).getByLabelText(/^Maximum desktops/));
    await userEvent.type(within(dialog).getByLabelText(/^Maximum desktops/), '4');
    await next();

    // Session policy: the clipboard off; no file transfer to switch
    expect(within(dialog).getByTestId('file-transfer')).toHaveTextContent('File transfer: not offered.');
    await userEvent.click(within(dialog).getByLabelText('Off (neither way)'));
    await next();
    await next(); // licences: none

    // Entitlements: a group found by the broker's search
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Search groups' }), 'staff{Enter}');
    await userEvent.click(await within(dialog).findByRole('checkbox', { name: /Staff/ }));
    await next();

    expect(within(dialog).getByTestId('review-session')).toHaveTextContent('ClipboardOff (neither way)');
    expect(within(dialog).getByTestId('review-entitlements')).toHaveTextContent('GroupsStaff');
    expect(within(dialog).getByTestId('review-image')).toHaveTextContent('Publish version v1 from /images/t-1/golden.qcow2');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create pool' }));

    expect(await screen.findByRole('heading', { level: 1, name: /Lab/ })).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      pool: { name: 'Lab', kind: 'POOLED', clipboardPolicy: 'NONE' },
      provisioning: { maxSize: 4 },
      image: { label: 'v1', goldenDiskPath: '/images/t-1/golden.qcow2' },
      entitlements: { userIds: [], groupIds: ['g1'] },
    });
  });

  it('lists only the steps the kind of pool has, as the kind changes', async () => {
    renderApp('/console/pools', (c): Answer | undefined => (pathOf(c.url).startsWith('/api/v1/admin/') ? { body: [] } : undefined));
    await userEvent.click((await screen.findAllByRole('button', { name: 'New pool' }))[0]);
    const dialog = await screen.findByRole('dialog');
    // every item, hidden ones too: a hidden item still counts in the CSS counter that numbers the steps
    const nav = () => [...within(dialog).getByRole('navigation', { name: 'Steps of the pool wizard' }).querySelectorAll('li')].map((li) => li.textContent);
    expect(nav()).toEqual(['Kind', 'Image', 'Sizing', 'Session policy', 'Licences', 'Entitlements', 'Review']);
    await userEvent.click(within(dialog).getByLabelText('Registered by their console address'));
    await waitFor(() => expect(nav()).toEqual(['Kind', 'Session policy', 'Licences', 'Entitlements', 'Review']));
    await userEvent.click(within(dialog).getByLabelText('Created by Deskport from an image'));
    await waitFor(() => expect(nav()).toHaveLength(7));
  });

  it('takes the admin to the step the broker refused, and says nothing was created', async () => {
    renderApp('/console/pools', (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/setup') {
        return {
          status: 400,
          body: { reason: 'VALIDATION_FAILED', errors: [{ field: 'goldenDiskPath', message: 'must name an existing image file inside the tenant’s image directory' }] },
        };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click((await screen.findAllByRole('button', { name: 'New pool' }))[0]);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'Lab');
    await userEvent.click(within(dialog).getByLabelText('Persistent'));
    await next();
    await userEvent.type(within(dialog).getByLabelText(/^Version label/), 'v1');
    await userEvent.type(within(dialog).getByLabelText(/^Golden disk/), '/etc/passwd');
    for (let i = 0; i < 5; i++) {
      await next();
    }
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create pool' }));

    expect(await within(dialog).findByText('must name an existing image file inside the tenant’s image directory')).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^Golden disk/)).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getAllByTestId('saved-parts')[0]).toHaveTextContent('Nothing was created');
  });
});

describe('editing a pool', () => {
  it('starts from the pool as it is, saves what changed with its version, and shows another admin’s values when they saved first', async () => {
    let version = 4;
    let current = { ...office };
    const calls = renderApp('/console/pools/p1', (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1' && c.method === 'PATCH') {
        return { status: 412, body: { reason: 'STALE_VERSION', objectType: 'Pool', currentETag: `"${version}"` } };
      }
      if (p === '/api/v1/admin/pools/p1') {
        return { body: current, headers: { ETag: `"${version}"` } };
      }
      if (p === '/api/v1/admin/pools/p1/provisioning') {
        return { status: 409, body: { reason: 'INVALID_STATE', detail: 'not provisioned' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit pool' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByLabelText(/^Name/)).toHaveValue('Office');
    expect(within(dialog).getByLabelText('Registered by their console address')).toBeChecked();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Session policy' }));
    await userEvent.click(within(dialog).getByLabelText('Into the desktop only (paste in; nothing copied comes out)'));
    // another admin renames the pool meanwhile
    version = 5;
    current = { ...office, name: 'Office (theirs)', clipboardPolicy: 'FROM_DESKTOP' };
    await userEvent.click(within(dialog).getByRole('button', { name: 'Review' }));
    expect(within(dialog).getByTestId('edit-changes')).toHaveTextContent('Settings: clipboardPolicy');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save changes' }));

    expect(await within(dialog).findAllByTestId('stale-version')).not.toHaveLength(0);
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch).toMatchObject({ headers: { 'If-Match': '"4"' }, body: { clipboardPolicy: 'TO_DESKTOP' } });
    await waitFor(() => expect(within(dialog).getByTestId('review-kind')).toHaveTextContent('NameOffice (theirs)'));
    expect(within(dialog).getByTestId('review-session')).toHaveTextContent('Out of the desktop only');
  });
});

describe('disabling and deleting a pool', () => {
  it('shows what disabling does from the broker’s figures, saves from the version shown and says what it did', async () => {
    const calls = renderApp('/console/pools/p1', (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1' && c.method === 'PATCH') {
        return { body: { ...office, enabled: false }, headers: { ETag: '"3"' } };
      }
      if (p === '/api/v1/admin/pools/p1') {
        return { body: office, headers: { ETag: '"2"' } };
      }
      if (p === '/api/v1/admin/pools/p1/impact') {
        return { body: impact };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Disable pool' }));
    const dialog = await screen.findByRole('dialog');
    const said = await within(dialog).findByTestId('impact-disable');
    expect(said).toHaveTextContent('12 entitled users can no longer start a session in it');
    expect(said).toHaveTextContent('1 live session of 1 user goes on');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable pool' }));

    expect(await screen.findByTestId('pool-action-done')).toHaveTextContent('“Office” is disabled: new sessions are refused; 1 live session goes on.');
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ headers: { 'If-Match': '"2"' }, body: { enabled: false } });
    expect(await screen.findByRole('button', { name: 'Enable pool' })).toBeInTheDocument();
  });

  it('tells the admin another saved the pool first, and disables it from the version reloaded', async () => {
    let version = 2;
    const calls = renderApp('/console/pools/p1', (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1' && c.method === 'PATCH') {
        return c.headers['If-Match'] === `"${version}"`
          ? { body: { ...office, enabled: false }, headers: { ETag: `"${++version}"` } }
          : { status: 412, body: { reason: 'STALE_VERSION', objectType: 'Pool', currentETag: `"${version}"` } };
      }
      if (p === '/api/v1/admin/pools/p1') {
        return { body: office, headers: { ETag: `"${version}"` } };
      }
      if (p === '/api/v1/admin/pools/p1/impact') {
        return { body: impact };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Disable pool' }));
    version = 5; // another admin saved meanwhile
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('impact-disable');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable pool' }));
    const stale = await screen.findByTestId('stale-version');
    expect(stale).toHaveTextContent('Another admin changed this pool');
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ headers: { 'If-Match': '"2"' }, body: { enabled: false } });

    await userEvent.click(within(stale).getByRole('button', { name: 'Reload the pool' }));
    await waitFor(() => expect(calls.filter((c) => pathOf(c.url) === '/api/v1/admin/pools/p1' && c.method === 'GET')).toHaveLength(2));
    await userEvent.click(await screen.findByRole('button', { name: 'Disable pool' }));
    const again = await screen.findByRole('dialog');
    await within(again).findByTestId('impact-disable');
    await userEvent.click(within(again).getByRole('button', { name: 'Disable pool' }));
    expect(await screen.findByRole('button', { name: 'Enable pool' })).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.headers['If-Match']).toBe('"5"');
  });

  it('shows what deleting ends and removes, wants the name typed, and says what it did', async () => {
    const calls = renderApp('/console/pools/p1', (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1' && c.method === 'DELETE') {
        return { status: 204 };
      }
      if (p === '/api/v1/admin/pools/p1') {
        return { body: office, headers: { ETag: '"2"' } };
      }
      if (p === '/api/v1/admin/pools/p1/impact') {
        return { body: impact };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete pool' }));
    const dialog = await screen.findByRole('dialog');
    const said = await within(dialog).findByTestId('impact-delete');
    expect(said).toHaveTextContent('1 live session of 1 user ends now (1 connected, 0 disconnected, 0 starting)');
    expect(said).toHaveTextContent('3 registered machines keep running, forgotten by Deskport');
    const confirm = within(dialog).getByRole('button', { name: 'Delete pool' });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/Type the pool’s name/), 'Office');
    await userEvent.click(confirm);

    expect(await screen.findByTestId('pools-notice')).toHaveTextContent('“Office” is deleted: 1 session ended, 3 desktops removed, 1 licence seat given back.');
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });
});
