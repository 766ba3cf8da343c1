import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, renderApp, resetBetweenTests, type Answer, type Call } from '../testConsole';

resetBetweenTests();

const pool = {
  id: 'p1',
  name: 'Finance',
  description: '',
  kind: 'PERSISTENT',
  enabled: true,
  idleTimeoutSeconds: null,
  idleAction: 'DISCONNECT',
  disconnectTimeoutSeconds: 900,
  maxSessionSeconds: null,
  recordSessions: false,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};
const desktop = (p: Record<string, unknown>) => ({
  poolId: 'p1', assignedUserId: null, consoleHost: '10.0.4.21', consolePort: 5900, hasConsolePassword: true, managed: false,
  failureReason: null, createdAt: '2026-12-01T10:00:00Z', stateChangedAt: '2026-12-01T10:00:00Z', ...p,
});

function broker(extra: (c: Call) => Answer | undefined) {
  return (c: Call): Answer | undefined => {
    const p = pathOf(c.url);
    if (p === '/api/v1/admin/pools/p1') return { body: pool, headers: { ETag: '"1"' } };
    if (p === '/api/v1/admin/pools/p1/provisioning') return { status: 409, body: { reason: 'INVALID_STATE', detail: 'not provisioned' } };
    return extra(c) ?? (p.startsWith('/api/v1/admin/') ? { body: [] } : undefined);
  };
}

describe('a pool’s desktops', () => {
  it('registers a machine by its console address: the form’s checks, the request, what the console check found', async () => {
    let listed = [desktop({ id: 'd0', name: 'finance-01', state: 'READY' })];
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], broker((c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1/desktops' && c.method === 'POST') {
        const made = desktop({ id: 'd1', name: 'finance-07', state: 'FAILED', failureReason: 'console check: AUTHENTICATION_FAILED' });
        listed = [...listed, made];
        return {
          status: 201,
          body: { ...made, desktopUsable: false, consoleCheck: { result: 'AUTHENTICATION_FAILED', detail: 'VNC authentication failed', checkedAt: '2026-12-06T10:00:00Z' } },
        };
      }
      if (p === '/api/v1/admin/pools/p1/desktops') return { body: listed };
      return undefined;
    }));
    await userEvent.click(await screen.findByRole('button', { name: 'Register a desktop' }));
    const dialog = await screen.findByRole('dialog', { name: /Register a desktop in Finance/ });
    await userEvent.type(within(dialog).getByLabelText(/Console address/), 'vnc://10.0.4.21');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register desktop' }));
    expect(within(dialog).getByText('Give the desktop a name: the pool’s page and the sessions list show it.')).toBeInTheDocument();
    expect(within(dialog).getByText(/without a scheme or a port/)).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(within(dialog).getByLabelText(/^Name/), 'finance-07');
    await userEvent.clear(within(dialog).getByLabelText(/Console address/));
    await userEvent.type(within(dialog).getByLabelText(/Console address/), '10.0.4.27');
    await userEvent.type(within(dialog).getByLabelText(/Console password/), 'not-the-right-one');
    expect(within(dialog).getByLabelText(/Console password/)).toHaveAttribute('type', 'password');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register desktop' }));

    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'finance-07', consoleHost: '10.0.4.27', consolePort: 5900, consolePassword: 'not-the-right-one', state: 'READY',
    }));
    const told = await screen.findByTestId('desktop-registered');
    expect(told).toHaveTextContent('Registered “finance-07”, but not handed to users');
    expect(told).toHaveTextContent('the VNC server refused the password');
    expect(await screen.findByText('console check: AUTHENTICATION_FAILED')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows a desktop’s host, image and provisioning history, and puts it in maintenance or tells why not', async () => {
    const managed = desktop({ id: 'd2', name: 'finance-02', state: 'READY', managed: true });
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], broker((c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1/desktops') return { body: [managed] };
      if (p === '/api/v1/admin/desktops/d2/provisioning') {
        return {
          body: {
            desktopId: 'd2', name: 'finance-02', state: 'READY', failureReason: null, managed: true, simulated: true, hostId: 'h1',
            hostName: 'rack-3', driverId: 'simulated', imageVersionId: 'i1', imageLabel: 'win11-2026-11', consoleCheckedAt: '2026-12-06T10:00:00Z',
            lastDisconnectedAt: null,
            tasks: [
              { id: 't2', type: 'START', reason: 'demand', state: 'FAILED', attempts: 2, maxAttempts: 2, errorReason: 'HYPERVISOR_ERROR', errorDetail: 'domain crashed', createdAt: '2026-12-06T10:00:00Z', startedAt: null, finishedAt: '2026-12-06T10:01:00Z', nextAttemptAt: null },
              { id: 't1', type: 'CREATE', reason: 'spare', state: 'SUCCEEDED', attempts: 1, maxAttempts: 2, errorReason: null, errorDetail: null, createdAt: '2026-12-06T09:00:00Z', startedAt: null, finishedAt: '2026-12-06T09:00:02Z', nextAttemptAt: null },
            ],
          },
        };
      }
      if (p === '/api/v1/admin/desktops/d2/state') {
        return { status: 409, body: { reason: 'IN_USE', title: 'In use', detail: 'Sessions move desktops in and out of IN_USE; end the session instead' } };
      }
      return undefined;
    }));
    await userEvent.click(await screen.findByRole('button', { name: 'Details of desktop finance-02' }));
    const details = await screen.findByRole('dialog', { name: 'Desktop finance-02' });
    expect(await within(details).findByTestId('desktop-host')).toHaveTextContent('rack-3 (simulated)simulated driver');
    expect(within(details).getByTestId('desktop-image')).toHaveTextContent('win11-2026-11');
    const rows = within(within(details).getByTestId('desktop-tasks')).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Power on');
    expect(rows[1]).toHaveTextContent('failed after 2 attempts: HYPERVISOR_ERROR');
    expect(rows[1]).toHaveTextContent('domain crashed');
    expect(rows[2]).toHaveTextContent('Clone and start');
    await userEvent.click(within(details).getAllByRole('button', { name: 'Close' }).at(-1)!); // the footer's (the header's × is named Close too)

    await userEvent.click(screen.getByRole('button', { name: 'Actions for desktop finance-02' }));
    expect(screen.queryByRole('menuitem', { name: 'Refresh from the image' })).not.toBeInTheDocument(); // a persistent desktop keeps its disk
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Put in maintenance' }));
    const confirm = await screen.findByRole('dialog', { name: 'Put in maintenance: “finance-02”?' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Put in maintenance' }));
    expect(await within(confirm).findByTestId('confirm-problem')).toHaveTextContent('end the session instead');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ state: 'MAINTENANCE' });
  });

  it('lists a persistent desktop’s snapshots and restores one after the broker’s warning is confirmed', async () => {
    const managed = desktop({ id: 'd2', name: 'finance-02', state: 'IN_USE', managed: true, assignedUserId: 'u1' });
    const snapshot = {
      id: 's1', desktopId: 'd2', kind: 'SCHEDULED', state: 'READY', scheduledFor: '2026-12-06T02:00:00Z', requestedBy: 'schedule',
      label: null, sizeMiB: 2048, withMemory: true, error: null, createdAt: '2026-12-06T02:00:00Z', takenAt: '2026-12-06T02:00:09Z',
    };
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], broker((c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1/desktops') return { body: [managed] };
      if (p === '/api/v1/admin/desktops/d2/provisioning') {
        return {
          body: {
            desktopId: 'd2', name: 'finance-02', state: 'IN_USE', failureReason: null, managed: true, simulated: false, hostId: 'h1',
            hostName: 'rack-3', driverId: 'libvirt', imageVersionId: 'i1', imageLabel: 'win11', consoleCheckedAt: null, lastDisconnectedAt: null, tasks: [],
          },
        };
      }
      if (p === '/api/v1/admin/desktops/d2/snapshots' && c.method === 'GET') {
        return { body: { desktopId: 'd2', usedMiB: 2048, quotaMiB: 10240, snapshots: [snapshot] } };
      }
      if (p === '/api/v1/admin/desktops/d2/snapshots/s1/restore') {
        return (c.body as { confirm: boolean }).confirm
          ? { status: 202, body: { ...snapshot, state: 'RESTORING' } }
          : { status: 409, body: { reason: 'CONFIRMATION_REQUIRED', warning: 'The session on this desktop will be logged off.', sessionWillBeLoggedOff: true } };
      }
      return undefined;
    }));
    await userEvent.click(await screen.findByRole('button', { name: 'Details of desktop finance-02' }));
    const details = await screen.findByRole('dialog', { name: 'Desktop finance-02' });
    const section = await within(details).findByTestId('desktop-snapshots');
    expect(await within(section).findByText('2.0 GiB of 10.0 GiB used by snapshots')).toBeInTheDocument();
    const rows = within(section).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Scheduledby the pool’s schedule');
    expect(rows[1]).toHaveTextContent('2.0 GiB (with memory)');

    await userEvent.click(within(section).getByRole('button', { name: 'Restore snapshot s1' }));
    const confirm = await within(section).findByTestId('admin-restore-confirm');
    expect(confirm).toHaveTextContent('Restore the desktop to this snapshot?');
    expect(within(confirm).getByTestId('admin-restore-warning')).toHaveTextContent('will be logged off');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Restore' }));

    expect(await within(section).findByTestId('snapshot-admin-notice')).toHaveTextContent('The desktop is being restored');
    expect(calls.filter((c) => pathOf(c.url).endsWith('/restore')).map((c) => c.body)).toEqual([{ confirm: false }, { confirm: true }]);
  });

  it('is read-only for help desk', async () => {
    renderApp('/console/pools/p1', ['HELPDESK'], broker((c) =>
      pathOf(c.url) === '/api/v1/admin/pools/p1/desktops' ? { body: [desktop({ id: 'd3', name: 'finance-03', state: 'READY' })] } : undefined,
    ));
    expect(await screen.findByRole('button', { name: 'Details of desktop finance-03' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Register a desktop' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Actions for desktop finance-03' })).not.toBeInTheDocument();
  });
});
