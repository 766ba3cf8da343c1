import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, renderApp, resetBetweenTests, type Answer } from '../testConsole';

resetBetweenTests();

const office = {
  id: 'p1', name: 'Office', description: '', kind: 'POOLED', enabled: true, idleTimeoutSeconds: null,
  idleAction: 'DISCONNECT', disconnectTimeoutSeconds: 900, maxSessionSeconds: null, recordSessions: false,
  createdAt: '2026-12-01T10:00:00Z', updatedAt: '2026-12-01T10:00:00Z',
};

const slots = (at: Record<number, number>) => Array.from({ length: 288 }, (_, i) => at[i] ?? 0);

const demand = {
  poolId: 'p1', mode: 'DEMAND', floor: 2, cap: 40, historyWeeks: 4, readyTimeSeconds: 95,
  forecast: { expectedArrivals: 14, spareTarget: 22, dayKind: 'MONDAY' },
  explain: 'forecast 14.0 logons in the next 1.8 min, ready time 95 s (MONDAY): 22 spares (floor 2, cap 40)',
  curve: { day: '2026-11-30', timeZone: 'Europe/Berlin', dayKind: 'MONDAY', slotMinutes: 5,
    forecast: slots({ 96: 30, 97: 20 }), actual: slots({ 96: 28 }) },
};

function route(saved: unknown[]) {
  return (c: { url: string; method: string; body: unknown }): Answer | undefined => {
    const p = pathOf(c.url);
    if (p === '/api/v1/admin/pools/p1') {
      return { body: office, headers: { ETag: '"2"' } };
    }
    if (p === '/api/v1/admin/pools/p1/provisioning') {
      return { body: { enabled: true, minSize: 0, maxSize: 50, spareTarget: 0, desktops: 0, desktopsByState: {}, notes: [] } };
    }
    if (p === '/api/v1/admin/pools/p1/provisioning/capacity' && c.method === 'PUT') {
      saved.push(c.body);
      return { body: { ...demand, floor: 3, cap: 30 }, headers: { ETag: '"4"' } };
    }
    if (p === '/api/v1/admin/pools/p1/provisioning/capacity') {
      return { body: demand, headers: { ETag: '"3"' } };
    }
    return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
  };
}

describe('a pool’s capacity', () => {
  it('shows why it keeps its spares and the day’s forecast beside the actual logons', async () => {
    renderApp('/console/pools/p1', ['TENANT_ADMIN'], route([]));

    expect(await screen.findByTestId('capacity-explain')).toHaveTextContent('ready time 95 s (MONDAY): 22 spares');
    const chart = screen.getByTestId('capacity-chart');
    expect(chart).toHaveAccessibleName(/Logons per hour on 2026-11-30 \(Europe\/Berlin\)/);
    // hour 8: forecast 50 (the top), actual 28
    expect(screen.getByTestId('forecast-line').getAttribute('points')).toContain(' 167,0 ');
    expect(screen.getByTestId('actual-line').getAttribute('points')).toContain(' 167,52.8 ');
  });

  it('saves a new floor and cap made from the version read', async () => {
    const saved: unknown[] = [];
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], route(saved));
    const floor = await screen.findByLabelText('Floor');
    await userEvent.clear(floor);
    await userEvent.type(floor, '3');
    const cap = screen.getByLabelText('Cap');
    await userEvent.clear(cap);
    await userEvent.type(cap, '30');
    await userEvent.click(screen.getByRole('button', { name: 'Save capacity' }));

    await waitFor(() => expect(saved).toEqual([{ mode: 'DEMAND', floor: 3, cap: 30 }]));
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.headers['If-Match']).toBe('"3"');
  });

  it('says a floor above the cap is wrong without asking the broker', async () => {
    const saved: unknown[] = [];
    renderApp('/console/pools/p1', ['TENANT_ADMIN'], route(saved));
    const floor = await screen.findByLabelText('Floor');
    await userEvent.clear(floor);
    await userEvent.type(floor, '50');
    await userEvent.click(screen.getByRole('button', { name: 'Save capacity' }));

    expect(await screen.findByText('The cap must be a whole number, at least the floor.')).toBeInTheDocument();
    expect(saved).toEqual([]);
  });
});
