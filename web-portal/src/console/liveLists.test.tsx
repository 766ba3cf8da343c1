import { screen, waitFor } from '@testing-library/react';

import { emptySnapshot } from './dashboard/dashboardFixture';
import { FakeEventSource, openStream } from './dashboard/fakeEventSource';
import { sessionsSignature } from './dashboard/liveFeed';
import { pathOf, renderApp, resetBetweenTests } from './testConsole';

resetBetweenTests();
beforeEach(() => {
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});

const session = (id: string, username: string, state = 'CONNECTED') => ({
  id, poolId: 'p1', poolName: 'Office', poolKind: 'POOLED', userId: `u-${username}`, username, state, endReason: null,
  createdAt: '2026-12-05T09:00:00Z', stateChangedAt: '2026-12-05T09:00:00Z', changedBy: null,
});
const withSessions = (connected: number, disconnected = 0, created = connected, generatedAt = '2026-12-06T09:30:00Z') => {
  const base = emptySnapshot({ generatedAt });
  const byState = { PREPARING: 0, READY: 0, CONNECTED: connected, DISCONNECTED: disconnected };
  return {
    ...base,
    sessions: { ...base.sessions!, live: connected + disconnected, byState, byPool: [{ poolId: 'p1', poolName: 'Office', live: connected + disconnected, byState }] },
    connects: { ...base.connects!, created },
  };
};

describe('the sessions list kept live', () => {
  it('reads the list again when the dashboard stream tells of a session that started, and not for a reading that changes nothing', async () => {
    let listed = [session('s1', 'alice')];
    const calls = renderApp('/console/sessions', ['HELPDESK'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/sessions') return { body: listed };
      if (p === '/api/v1/admin/dashboard') return { body: withSessions(1) };
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    expect(await screen.findByRole('link', { name: 'alice' })).toBeInTheDocument();
    const stream = await openStream();
    expect(stream.url).toBe('/api/v1/admin/dashboard/stream');
    const reads = () => calls.filter((c) => pathOf(c.url) === '/api/v1/admin/sessions').length;
    stream.push('snapshot', withSessions(1, 0, 1, '2026-12-06T09:30:01Z'));
    await waitFor(() => expect(screen.getByTestId('live-status')).toHaveAttribute('data-state', 'live'));
    const before = reads();

    stream.push('snapshot', withSessions(1, 0, 1, '2026-12-06T09:30:02Z')); // a heartbeat reading: nothing changed
    listed = [session('s2', 'bob'), session('s1', 'alice')];
    stream.push('snapshot', withSessions(2, 0, 2, '2026-12-06T09:30:03Z'));
    expect(await screen.findByRole('link', { name: 'bob' })).toBeInTheDocument();
    expect(reads()).toBe(before + 1);
  });

  it('tells sessions apart by pool and state, and counts reconnects', () => {
    expect(sessionsSignature(withSessions(1, 0))).not.toBe(sessionsSignature(withSessions(0, 1, 1)));
    const reconnected = withSessions(1, 0);
    expect(sessionsSignature({ ...reconnected, connects: { ...reconnected.connects!, reconnected: 1 } })).not.toBe(sessionsSignature(reconnected));
    expect(sessionsSignature(withSessions(1, 0, 1, '2026-12-06T10:00:00Z'))).toBe(sessionsSignature(withSessions(1, 0, 1)));
    expect(sessionsSignature({ ...withSessions(0), sessions: null, connects: null })).toBe('|0/0');
  });
});

describe('the pools list', () => {
  const pool = (id: string, name: string) => ({
    id, tenantId: 't-1', name, description: '', kind: 'POOLED', enabled: true, idleTimeoutSeconds: null, idleAction: 'DISCONNECT',
    disconnectTimeoutSeconds: 900, maxSessionSeconds: null, recordSessions: false, createdAt: '2026-12-01T10:00:00Z', updatedAt: '2026-12-01T10:00:00Z',
  });
  const health = (poolId: string, name: string, p: Partial<{ readyFree: number; inUse: number; failed: number; desktops: number }>) => ({
    poolId, name, kind: 'POOLED' as const, enabled: true, desktops: 0, byState: {}, readyFree: 0, inUse: 0, preparing: 0, failed: 0, sessions: 0,
    target: { enabled: true, minSize: 2, maxSize: 10, spareTarget: 2 }, hosts: null, ...p,
  });

  it('shows each pool’s health from the dashboard stream, and keeps it live', async () => {
    renderApp('/console/pools', ['TENANT_ADMIN'], (c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools') return { body: [pool('p1', 'Office'), pool('p2', 'Lab')] };
      if (p === '/api/v1/admin/dashboard') return { body: emptySnapshot() };
      return p.startsWith('/api/v1/admin/') ? { body: [] } : undefined;
    });
    expect(await screen.findByRole('link', { name: 'Office' })).toBeInTheDocument();
    const stream = await openStream();
    stream.push('snapshot', emptySnapshot({
      generatedAt: '2026-12-06T09:31:00Z',
      pools: [health('p1', 'Office', { readyFree: 2, inUse: 3, desktops: 5 }), health('p2', 'Lab', { failed: 2, desktops: 2 })],
    }));
    expect(await screen.findByTestId('pool-row-health-p1')).toHaveTextContent('2 ready · 3 in use');
    expect(screen.getByTestId('pool-row-health-p1')).toHaveTextContent('target: 2–10 desktops, 2 spares');
    expect(screen.getByTestId('pool-row-health-p2')).toHaveTextContent('2 failed');
    stream.push('snapshot', emptySnapshot({
      generatedAt: '2026-12-06T09:31:05Z',
      pools: [health('p1', 'Office', { readyFree: 1, inUse: 4, desktops: 5 }), health('p2', 'Lab', { failed: 2, desktops: 2 })],
    }));
    await waitFor(() => expect(screen.getByTestId('pool-row-health-p1')).toHaveTextContent('1 ready · 4 in use'));
  });
});
