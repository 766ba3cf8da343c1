import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { orEmptyLists, pathOf, queryOf, renderApp, resetBetweenTests, type Answer, type Call } from './testConsole';
import type { UsageRollupReport, UsageRollupRow } from './usage/usageTypes';

resetBetweenTests();
// the charts are loaded and drawn in jsdom: slower than a page's first rendering on a busy machine
vi.setConfig({ testTimeout: 30_000 });

const row = (period: string, metric: UsageRollupRow['metric'], value: number, more: Partial<UsageRollupRow> = {}): UsageRollupRow => ({
  tenantId: 't-1',
  timeZone: 'Europe/Paris',
  granularity: 'DAY',
  period,
  start: `${period}T00:00:00+01:00`,
  end: `${period}T23:59:59+01:00`,
  complete: true,
  metric,
  poolId: null,
  userId: null,
  productId: null,
  vcpus: null,
  memoryMiB: null,
  diskMiB: null,
  value,
  unit: metric.endsWith('SECONDS') ? 'SECONDS' : 'COUNT',
  hours: metric.endsWith('SECONDS') ? value / 3600 : null,
  reachedAt: null,
  ...more,
});

const ROWS: UsageRollupRow[] = [
  row('2026-12-01', 'SESSION_SECONDS', 7200, { poolId: 'p1', userId: 'u1' }),
  row('2026-12-01', 'CONNECTED_SECONDS', 5400, { poolId: 'p1', userId: 'u1' }),
  row('2026-12-02', 'SESSION_SECONDS', 1800, { poolId: 'p2', userId: 'u2' }),
  row('2026-12-01', 'DESKTOP_RUNNING_SECONDS', 36000, { poolId: 'p1', vcpus: 2, memoryMiB: 4096, diskMiB: 40960 }),
  row('2026-12-01', 'DESKTOP_STOPPED_SECONDS', 3600, { poolId: 'p1', vcpus: 2, memoryMiB: 4096, diskMiB: 40960 }),
  row('2026-12-01', 'PEAK_SESSIONS', 2, { reachedAt: '2026-12-01T09:00:00+01:00' }),
  row('2026-12-01', 'DISTINCT_USERS', 2),
  row('2026-12-01', 'DISTINCT_DEVICES', 3),
];

/** The broker's roll-ups: the rows of the metrics asked for, the range read (the broker's default when none is asked). */
function rollups(c: Call, rows: UsageRollupRow[] = ROWS): Answer {
  const q = queryOf(c.url);
  const metrics = (q.get('metric') ?? '').split(',').filter(Boolean);
  const picked = rows.filter((r) => metrics.length === 0 || metrics.includes(r.metric));
  const report: UsageRollupReport = {
    tenantId: 't-1',
    timeZone: 'Europe/Paris',
    granularity: (q.get('granularity') ?? 'hour').toUpperCase() as UsageRollupReport['granularity'],
    from: q.get('from') ?? '2026-11-08',
    to: q.get('to') ?? '2026-12-07',
    count: picked.length,
    rows: picked,
  };
  return { body: report };
}

const names = (c: Call): Answer | undefined => {
  const p = pathOf(c.url);
  const known: Record<string, object> = {
    '/api/v1/admin/pools/p1': { id: 'p1', name: 'Office' },
    '/api/v1/admin/pools/p2': { id: 'p2', name: 'Lab' },
    '/api/v1/admin/users/u1': { id: 'u1', username: 'alice', displayName: 'Alice Example' },
    '/api/v1/admin/users/u2': { id: 'u2', username: 'bob' },
  };
  return known[p] ? { body: known[p] } : undefined;
};

const usageCalls = (calls: Call[]) => calls.filter((c) => pathOf(c.url) === '/api/v1/usage/rollups');

describe('the usage page', () => {
  it('shows each section’s figures beside its chart, with names, the tenant’s zone and the CSV of each', async () => {
    const calls = renderApp('/console/usage', ['TENANT_ADMIN'], orEmptyLists((c) => (pathOf(c.url) === '/api/v1/usage/rollups' ? rollups(c) : names(c))));
    const pools = await screen.findByRole('grid', { name: 'Session hours per pool' });
    expect(await within(pools).findByRole('link', { name: 'Office' })).toHaveAttribute('href', '/console/pools/p1');
    const office = within(pools).getByRole('link', { name: 'Office' }).closest('tr')!;
    expect(office).toHaveTextContent('2 h');
    expect(office).toHaveTextContent('1.5 h');
    const users = screen.getByRole('grid', { name: 'Session hours per user' });
    expect(await within(users).findByText('Alice Example')).toBeInTheDocument();
    expect(within(users).getByText('30 min')).toBeInTheDocument();
    expect(screen.getByRole('grid', { name: 'Desktop hours by size' })).toHaveTextContent('2 vCPUs · 4 GiB · 40 GiB disk10 h1 h');
    const activity = screen.getByRole('grid', { name: 'Peaks, users and devices per day' });
    expect(within(activity).getAllByRole('row')).toHaveLength(2); // the header, and the one day with use
    expect(activity).toHaveTextContent('1 Dec2');
    // the licences section has no rows: what to do next
    expect(screen.getByRole('link', { name: 'Licences' })).toHaveAttribute('href', '/console/licences');
    expect(screen.getByText(/No licence seat was held/)).toBeInTheDocument();

    // the broker's default range, shown in the picker with the zone it is counted in
    expect(screen.getByLabelText('From')).toHaveValue('2026-11-08');
    expect(screen.getByLabelText('To (inclusive)')).toHaveValue('2026-12-07');
    expect(screen.getByTestId('usage-zone')).toHaveTextContent('Europe/Paris');
    const asked = usageCalls(calls).map((c) => queryOf(c.url).get('metric'));
    expect(asked.sort()).toEqual(['DESKTOP_RUNNING_SECONDS,DESKTOP_STOPPED_SECONDS', 'PEAK_SESSIONS,DISTINCT_USERS,DISTINCT_DEVICES', 'SEAT_SECONDS', 'SESSION_SECONDS,CONNECTED_SECONDS']);
    expect(usageCalls(calls).every((c) => queryOf(c.url).get('granularity') === 'day' && !queryOf(c.url).has('from'))).toBe(true);
    const csv = screen.getAllByTestId('csv-link').map((a) => a.getAttribute('href'));
    expect(csv).toContain('/api/v1/usage/rollups?granularity=day&format=csv');
    expect(csv).toContain('/api/v1/usage/rollups?granularity=day&metric=SESSION_SECONDS%2CCONNECTED_SECONDS&format=csv');
    // the charts, loaded on demand
    await waitFor(() => expect(screen.getAllByTestId('usage-chart')).toHaveLength(4), { timeout: 20_000 }); // two for sessions, desktops, activity
  });

  it('asks again for the period picked, months as their first and last days, and keeps it in the address', async () => {
    const calls = renderApp('/console/usage', ['TENANT_ADMIN'], orEmptyLists((c) => (pathOf(c.url) === '/api/v1/usage/rollups' ? rollups(c) : names(c))));
    await screen.findByRole('grid', { name: 'Session hours per pool' });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01' } });
    await waitFor(() => expect(usageCalls(calls).some((c) => queryOf(c.url).get('from') === '2026-12-01' && queryOf(c.url).get('to') === '2026-12-07')).toBe(true));

    await userEvent.selectOptions(screen.getByLabelText('Per'), 'month');
    await waitFor(() => expect(usageCalls(calls).some((c) => queryOf(c.url).get('granularity') === 'month' && !queryOf(c.url).has('from'))).toBe(true));
    const monthFrom = await screen.findByLabelText('From');
    await waitFor(() => expect(monthFrom).toHaveAttribute('type', 'month'));
  });

  it('says that peaks are per day and month, and asks nothing the hours cannot answer', async () => {
    const calls = renderApp('/console/usage?granularity=hour', ['TENANT_ADMIN'], orEmptyLists((c) => (pathOf(c.url) === '/api/v1/usage/rollups' ? rollups(c, []) : undefined)));
    expect(await screen.findByTestId('activity-per-day')).toHaveTextContent('choose Day or Month');
    expect((await screen.findAllByText(/Sessions are counted from the moment users connect/)).length).toBeGreaterThan(0);
    await waitFor(() => expect(usageCalls(calls)).toHaveLength(3));
    expect(usageCalls(calls).some((c) => queryOf(c.url).get('metric')?.includes('PEAK_SESSIONS'))).toBe(false);
  });

  it('refuses a backwards period without asking, and shows the broker’s refusal in words', async () => {
    const calls = renderApp('/console/usage?from=2026-12-07&to=2026-12-01', ['TENANT_ADMIN'], orEmptyLists(() => undefined));
    expect(await screen.findByTestId('usage-range-problem')).toHaveTextContent('The end of the period is before its start.');
    expect(usageCalls(calls)).toHaveLength(0);
  });

  it('shows the broker’s refusal of a range in words', async () => {
    renderApp('/console/usage', ['TENANT_ADMIN'], (c) =>
      pathOf(c.url) === '/api/v1/usage/rollups'
        ? { status: 400, body: { reason: 'VALIDATION_FAILED', errors: [{ field: 'from', message: 'the range holds more than 100000 rows' }] } }
        : undefined,
    );
    expect((await screen.findAllByText(/^from: the range holds more than 100000 rows\./)).length).toBe(4);
  });

  it('is not offered to help desk, whom the broker does not let read usage', async () => {
    const calls = renderApp('/console/usage', ['HELPDESK'], orEmptyLists(() => undefined));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(usageCalls(calls)).toHaveLength(0);
  });
});
