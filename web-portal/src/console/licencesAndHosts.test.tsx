import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, queryOf, renderApp, resetBetweenTests, type Answer, type Call } from './testConsole';

resetBetweenTests();

const product = {
  id: 'p1',
  name: 'Office suite',
  vendor: 'Acme',
  sku: '',
  model: 'CONCURRENT_USER',
  releaseOnDisconnect: false,
  unusedDays: null,
  seats: 5,
  enforcement: 'HARD',
  overuseMargin: 0,
  capacity: 5,
  seatsInUse: 1,
  licenceInForce: { id: 'l1', validFrom: '2026-01-01T00:00:00Z', validUntil: null, inGrace: false, graceEndsAt: null },
  pools: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const licence = {
  id: 'l1',
  productId: 'p1',
  seats: 5,
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: null,
  enforcement: 'HARD',
  overuseMargin: 0,
  graceDays: 0,
  graceEndsAt: null,
  reference: '',
  status: 'VALID',
  inForce: true,
};
const seat = { id: 7, productId: 'p1', holder: 'u1', userId: 'u1', username: 'alice', displayName: 'Alice', poolId: null, desktopName: null, takenAt: '2026-12-06T09:00:00Z', lastUsedAt: '2026-12-06T09:00:00Z', sessions: 1, releasedAt: null, releaseReason: null };

function productBroker(extra: (c: Call) => Answer | undefined) {
  return (c: Call): Answer | undefined => {
    const handled = extra(c);
    if (handled) return handled;
    const p = pathOf(c.url);
    if (p === '/api/v1/admin/licence-products/p1') return { body: product, headers: { ETag: '"3"' } };
    if (p === '/api/v1/admin/licence-products/p1/licences/l1') return { body: licence, headers: { ETag: '"1"' } };
    if (p === '/api/v1/admin/licence-products/p1/licences') return { body: [licence], headers: { 'X-Total-Count': '1' } };
    if (p === '/api/v1/admin/licence-products/p1/seats') return { body: [seat] };
    if (p === '/api/v1/admin/licence-reports/peaks') return { body: { productId: 'p1', productName: 'Office suite', model: 'CONCURRENT_USER', timeZone: 'Europe/Paris', period: 'DAY', from: '2026-12-05', to: '2026-12-06', peaks: [] } };
    if (p === '/api/v1/admin/licence-reports/overuse') return { body: { productId: 'p1', productName: 'Office suite', timeZone: 'Europe/Paris', from: '2026-12-05', to: '2026-12-06', periods: [] } };
    return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
  };
}

describe('a licence product’s page', () => {
  it('shows the seats in use and tells the second admin that another saved the licence first (412)', async () => {
    const calls = renderApp(
      '/console/licences/p1',
      ['TENANT_ADMIN'],
      productBroker((c) =>
        c.method === 'PATCH' ? { status: 412, body: { reason: 'STALE_VERSION', objectType: 'Licence', currentETag: '"2"' } } : undefined,
      ),
    );
    expect(await screen.findByTestId('seats-now')).toHaveTextContent('1 of 5 seats in use');
    expect(await screen.findByText('Alice')).toBeInTheDocument();
    await userEvent.click(await screen.findByRole('button', { name: /^Edit the licence of 5 seats/ }));
    const seats = within(await screen.findByRole('dialog')).getByRole('spinbutton', { name: /^Seats/ });
    await userEvent.clear(seats);
    await userEvent.type(seats, '8');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByTestId('stale-version')).toHaveTextContent('Another admin changed this licence after you opened it');
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.headers['If-Match']).toBe('"1"');
    expect(patch.body).toEqual({ seats: 8 });
  });

  it('frees a seat in use only after saying so in words and asking again', async () => {
    const calls = renderApp(
      '/console/licences/p1',
      ['TENANT_ADMIN'],
      productBroker((c) => {
        if (c.method !== 'DELETE') return undefined;
        return queryOf(c.url).get('force') === 'true' ? { status: 204 } : { status: 409, body: { reason: 'IN_USE', objectType: 'LicenceSeat', sessions: 1, detail: 'Seat 7 is used by 1 live session(s)' } };
      }),
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Free the seat of Alice' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Free seat' }));
    expect(await within(dialog).findByTestId('free-seat-refusal')).toHaveTextContent('Alice’s seat is used by 1 live session.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Free it anyway' }));
    expect(await screen.findByText('Alice’s seat of Office suite is free for someone else.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
      '/api/v1/admin/licence-products/p1/seats/7',
      '/api/v1/admin/licence-products/p1/seats/7?force=true',
    ]);
  });
});

const host = {
  id: 'h1',
  poolId: 'sp',
  name: 'sh-01',
  state: 'AVAILABLE',
  draining: false,
  maxSessions: 10,
  activeSessions: 2,
  consoleHost: null,
  consolePort: null,
  hasConsolePassword: false,
  createdAt: '2026-12-01T00:00:00Z',
  stateChangedAt: '2026-12-01T00:00:00Z',
  agent: { enrolled: true, revokedAt: null, address: '10.0.0.5', os: 'Debian', version: '0.1.0', cpuCount: 4, memoryMb: 8192, lastHeartbeatAt: new Date().toISOString(), cpuPercent: 10, memoryUsedMb: 1024, reportedSessions: 2, loggedOnUser: null },
  power: { managed: false, canPowerOff: true, mac: '52:54:00:00:00:01', agentMac: '52:54:00:00:00:01', wakeMac: null, wakeAddress: null, action: null, actionAt: null, attempts: 0, detail: null },
};

describe('the hosts page', () => {
  it('creates an enrolment token for a shared pool’s host and shows the command with it', async () => {
    const calls = renderApp('/console/hosts', ['TENANT_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools') return { body: [{ id: 'sp', name: 'Shared desks', kind: 'SHARED' }] };
      if (p === '/api/v1/admin/session-hosts') return { body: [host], headers: { 'X-Total-Count': '1' } };
      if (p === '/api/v1/admin/pools/sp/session-hosts/enrolments') {
        return { status: 201, body: { host: { ...host, id: 'h2', name: 'sh-02' }, enrolmentToken: 'det.secret', expiresAt: '2026-12-07T10:00:00Z' } };
      }
      return undefined;
    });
    expect(await screen.findByText('2 / 10')).toBeInTheDocument();
    await userEvent.click(screen.getAllByRole('button', { name: 'Add host' })[0]);
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Host name/), 'sh-02');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create host and token' }));
    expect(await within(dialog).findByTestId('enrolment-command')).toHaveTextContent('enrolment.token=det.secret');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'sh-02' });
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/v1/admin/pools')!.url).get('kind')).toBe('SHARED');
  });

  it('drains the hosts picked in one bulk call and says which were refused', async () => {
    const calls = renderApp('/console/hosts', ['TENANT_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/session-hosts') return { body: [host, { ...host, id: 'h3', name: 'sh-03' }] };
      if (p === '/api/v1/admin/session-hosts/bulk') {
        return { body: { succeeded: 1, failed: 1, results: [{ id: 'h1', status: 200, reason: null, detail: null }, { id: 'h3', status: 404, reason: 'NOT_FOUND', detail: null }] } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByLabelText('Select sh-01'));
    await userEvent.click(screen.getByLabelText('Select sh-03'));
    await userEvent.click(screen.getByRole('button', { name: 'Drain selected (2)' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Drain' }));
    const outcome = await screen.findByTestId('host-outcome');
    expect(outcome).toHaveTextContent('1 host now draining.');
    expect(outcome).toHaveTextContent('sh-03: Not found');
    expect(calls.find((c) => pathOf(c.url) === '/api/v1/admin/session-hosts/bulk')?.body).toEqual({ action: 'DRAIN', ids: ['h1', 'h3'] });
  });

  it('powers a drained, empty host off, wakes a powered-off one, and sets how the broker may power a host', async () => {
    const drainedEmpty = { ...host, draining: true, activeSessions: 0 };
    const off = { ...host, id: 'h4', name: 'sh-04', state: 'POWERED_OFF', draining: true, activeSessions: 0, power: { ...host.power, managed: true, detail: 'did not wake after 3 magic packets, 3 min apart' } };
    const calls = renderApp('/console/hosts', ['TENANT_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/session-hosts') return { body: [drainedEmpty, { ...host, id: 'h2', name: 'sh-02' }, off] };
      if (c.method === 'POST' && p.endsWith('/power-off')) return { body: { ...drainedEmpty, power: { ...host.power, action: 'POWER_OFF' } } };
      if (c.method === 'POST' && p.endsWith('/wake')) return { body: { ...off, power: { ...off.power, action: 'WAKE', attempts: 1, detail: null } } };
      if (c.method === 'PUT' && p === '/api/v1/admin/session-hosts/h1/power') {
        return { status: 400, body: { type: 'about:blank', title: 'Invalid', status: 400, reason: 'VALIDATION_FAILED', detail: 'Invalid request', errors: [{ field: 'wakeAddress', message: 'is not host or host:port (port 1–65535)' }] } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    // only the drained, empty host offers Power off; the one with sessions does not; the powered-off one says why it is still off
    expect(await screen.findByRole('button', { name: 'Power off sh-01' })).toBeInTheDocument();
    expect(screen.getByText('Powered off')).toBeInTheDocument();
    expect(screen.getByTestId('power-sh-04')).toHaveTextContent('did not wake after 3 magic packets');
    expect(screen.getAllByRole('button', { name: /^Power off / })).toHaveLength(1);

    await userEvent.click(screen.getByRole('button', { name: 'Power off sh-01' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Power off' }));
    expect(await screen.findByTestId('host-outcome')).toHaveTextContent('sh-01 is told to power off');
    expect(calls.some((c) => c.method === 'POST' && pathOf(c.url) === '/api/v1/admin/session-hosts/h1/power-off')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Wake sh-04' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Wake' }));
    expect(await screen.findByTestId('host-outcome')).toHaveTextContent('A Wake-on-LAN packet went to sh-04');

    // the settings: the form's own check first, then the broker's answer by field
    await userEvent.click(screen.getByRole('button', { name: 'Power settings of sh-01' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByLabelText(/Power it off when it is not needed/));
    await userEvent.type(within(dialog).getByLabelText(/Network card to wake/), '52:54:00');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('six hex pairs, e.g. 52:54:00:12:34:56')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
    await userEvent.clear(within(dialog).getByLabelText(/Network card to wake/));
    await userEvent.type(within(dialog).getByLabelText(/Send the magic packet to/), '10.1.2.255:9');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('is not host or host:port (port 1–65535)')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ managed: true, wakeMac: null, wakeAddress: '10.1.2.255:9' });
  });

  it('shows a hypervisor host’s allocation against physical capacity times its ratios, and its disk filling up', async () => {
    const hv = {
      id: 'hv1',
      name: 'rack-1',
      driverId: 'libvirt',
      simulated: false,
      settings: {},
      capacity: { cpus: 16, memoryMiB: 65536, storageMiB: 1048576 },
      used: { cpus: 20, memoryMiB: 32768, storageMiB: 1572864 },
      desktops: 12,
      maintenance: false,
      health: { usable: true, reachable: true, consecutiveFailures: 0, quarantinedUntil: null, lastError: null, lastErrorAt: null },
      source: 'API',
      inventoryAt: '2026-12-06T10:00:00Z',
      createdAt: '2026-12-01T10:00:00Z',
      overcommit: { cpu: 4, memory: 1, storage: 2, ownCpu: false, ownMemory: false, ownStorage: true },
      allocatable: { cpus: 64, memoryMiB: 65536, storageMiB: 2097152 },
      storage: { totalMiB: 1048576, usedMiB: 943718, availableMiB: 104858, usedRatio: 0.9, alertThreshold: 0.85, nearlyFull: true, nearlyFullSince: '2026-12-06T09:00:00Z' },
    };
    renderApp('/console/hosts', ['TENANT_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/hypervisor-hosts') return { body: [hv] };
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Hypervisor hosts' }));

    const figures = await screen.findByTestId('host-overcommit');
    expect(figures).toHaveTextContent('CPU 20 of 64 vCPUs allocatable (16 × 4.0)');
    expect(figures).toHaveTextContent('Disk 1536 of 2048 GiB allocatable (1024 × 2.0, this host’s ratio)');
    expect(within(figures).getByTestId('host-storage-use')).toHaveTextContent('Storage 90 % really written (922 of 1024 GiB; alert at 85 %) nearly full');
  });

  it('lets a platform admin give a host overcommit ratios of its own, all three at once', async () => {
    const hv = {
      id: 'hv1', name: 'rack-1', driverId: 'libvirt', simulated: false, settings: {},
      capacity: { cpus: 16, memoryMiB: 65536, storageMiB: 1048576 }, used: { cpus: 0, memoryMiB: 0, storageMiB: 0 }, desktops: 0,
      maintenance: false,
      health: { usable: true, reachable: true, consecutiveFailures: 0, quarantinedUntil: null, lastError: null, lastErrorAt: null },
      source: 'API', inventoryAt: null, createdAt: '2026-12-01T10:00:00Z',
      overcommit: { cpu: 4, memory: 1, storage: 3, ownCpu: false, ownMemory: false, ownStorage: true },
      allocatable: { cpus: 64, memoryMiB: 65536, storageMiB: 3145728 },
    };
    const calls = renderApp('/console/hosts', ['PLATFORM_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/hypervisor-hosts') return { body: [hv] };
      if (p === '/api/v1/admin/hypervisor-hosts/hv1') {
        return c.method === 'PATCH' ? { body: { ...hv, overcommit: { ...hv.overcommit, cpu: 6, ownCpu: true } }, headers: { ETag: '"4"' } } : { body: hv, headers: { ETag: '"3"' } };
      }
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Hypervisor hosts' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Change the capacity of rack-1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Capacity of rack-1' });
    const storageRatio = await within(dialog).findByLabelText('Disk overcommit (thin disks per GiB of storage)');
    expect(storageRatio).toHaveValue(3);
    await userEvent.type(within(dialog).getByLabelText('CPU overcommit (vCPUs per thread)'), '6');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await screen.findByText('The capacity of rack-1 was saved.');
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.headers['If-Match']).toBe('"3"');
    expect(patch?.body).toEqual({ overcommit: { cpu: 6, memory: null, storage: 3 } });
  });

  it('puts a hypervisor host in maintenance and follows its drain: what moved where, and what cannot move and why', async () => {
    const hv = {
      id: 'hv1', name: 'rack-1', driverId: 'libvirt', simulated: false, settings: {},
      capacity: { cpus: 16, memoryMiB: 65536, storageMiB: 1048576 }, used: { cpus: 4, memoryMiB: 8192, storageMiB: 0 }, desktops: 3,
      maintenance: false,
      health: { usable: true, reachable: true, consecutiveFailures: 0, quarantinedUntil: null, lastError: null, lastErrorAt: null },
      source: 'API', inventoryAt: null, createdAt: '2026-12-01T10:00:00Z',
    };
    const drain = {
      hostId: 'hv1', hostName: 'rack-1', maintenance: true, desktopsOnHost: 2, moving: 1, waiting: 0,
      moves: [
        { desktopId: 'd1', desktopName: 'alice-desktop', tenantId: 't1', targetHostId: 'hv2', targetHostName: 'rack-2', state: 'RUNNING', attempts: 1, errorReason: null, errorDetail: null, createdAt: '2026-12-06T10:00:00Z', finishedAt: null },
        { desktopId: 'd0', desktopName: 'carol-desktop', tenantId: 't1', targetHostId: 'hv2', targetHostName: 'rack-2', state: 'SUCCEEDED', attempts: 1, errorReason: null, errorDetail: null, createdAt: '2026-12-06T09:59:00Z', finishedAt: '2026-12-06T09:59:03Z' },
      ],
      blocked: [
        { desktopId: 'd2', desktopName: 'bob-desktop', tenantId: 't1', poolId: 'p1', reason: 'NO_HOST_WITH_ROOM', detail: 'no host has 8 vCPUs and 32768 MiB free for it', since: '2026-12-06T10:00:00Z', lastSeenAt: '2026-12-06T10:00:02Z' },
      ],
    };
    let inMaintenance = false;
    const calls = renderApp('/console/hosts', ['PLATFORM_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/hypervisor-hosts') return { body: [{ ...hv, maintenance: inMaintenance }] };
      if (p === '/api/v1/admin/hypervisor-hosts/hv1/maintenance') {
        inMaintenance = true;
        return { body: { ...hv, maintenance: true } };
      }
      if (p === '/api/v1/admin/hypervisor-hosts/hv1/drain') return { body: drain };
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    await userEvent.click(await screen.findByRole('tab', { name: 'Hypervisor hosts' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Maintenance for rack-1' }));
    const confirm = await screen.findByRole('dialog');
    expect(confirm).toHaveTextContent('running ones live');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Start maintenance' }));

    const dialog = await screen.findByRole('dialog', { name: 'Drain of rack-1' });
    expect(await within(dialog).findByTestId('drain-summary')).toHaveTextContent('2 desktops left: 1 moving, 1 cannot move now.');
    const blocked = within(dialog).getByTestId('drain-blocked');
    expect(blocked).toHaveTextContent('bob-desktop');
    expect(blocked).toHaveTextContent('No other host has the CPU and memory free for it.');
    expect(blocked).toHaveTextContent('no host has 8 vCPUs and 32768 MiB free for it');
    const moves = within(dialog).getByTestId('drain-moves');
    expect(moves).toHaveTextContent('alice-desktoprack-2moving');
    expect(moves).toHaveTextContent('carol-desktoprack-2moved');
    expect(calls.some((c) => c.method === 'POST' && pathOf(c.url) === '/api/v1/admin/hypervisor-hosts/hv1/maintenance')).toBe(true);
    const closes = within(dialog).getAllByRole('button', { name: 'Close' });
    await userEvent.click(closes[closes.length - 1]);
    expect(await screen.findByRole('button', { name: 'The drain of rack-1' })).toBeInTheDocument();
  });

  it('shows help desk the session hosts read-only, without hypervisor hosts', async () => {
    renderApp('/console/hosts', ['HELPDESK'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/session-hosts') return { body: [host] };
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    expect(await screen.findByText('sh-01')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Drain sh-01' })).not.toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Hypervisor hosts' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add host' })).not.toBeInTheDocument();
  });
});
