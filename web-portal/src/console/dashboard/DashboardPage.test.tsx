import { act, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';

import { App } from '../../app/App';
import { AuthProvider } from '../../auth';
import { fakeBroker, type Answer, type Call } from '../testBroker';
import { busySnapshot, emptySnapshot } from './dashboardFixture';
import { FakeEventSource, openStream } from './fakeEventSource';

/** How long a test waits for the page (a machine busy with other builds renders slowly). */
const SLOW = 10_000;

const me = (...roles: string[]) => ({ userId: 'me-1', tenantId: 't-1', username: 'admin', roles });

function renderConsole(path: string, roles: string[], route: (c: Call) => Answer | undefined = () => undefined) {
  const calls = fakeBroker((c) => (c.url === '/api/v1/me' ? { body: me(...roles) } : route(c)));
  render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <App />
      </AuthProvider>
    </MemoryRouter>,
  );
  return calls;
}

beforeEach(() => {
  sessionStorage.clear();
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => vi.unstubAllGlobals());

describe('the dashboard page', { timeout: 30_000 }, () => {
  it('shows the figures the stream pushes, each linked to the page that explains it, without reloading', async () => {
    renderConsole('/console', ['TENANT_ADMIN']);
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' }, { timeout: SLOW })).toBeInTheDocument();
    const stream = await openStream();
    expect(stream.url).toBe('/api/v1/admin/dashboard/stream');
    expect(screen.getByTestId('live-status')).toHaveTextContent('Live');

    stream.push('snapshot', busySnapshot());
    expect(await screen.findByTestId('sessions-live', {}, { timeout: SLOW })).toHaveTextContent('7');
    expect(screen.getByTestId('dashboard-headline')).toHaveTextContent('7 live sessions, 2 pools need attention');
    const pools = screen.getByTestId('card-pools');
    expect(within(pools).getByRole('link', { name: 'Engineers' })).toHaveAttribute('href', '/console/pools/p2');
    expect(within(screen.getByTestId('pool-health-p2')).getByText('1 failed desktop')).toBeInTheDocument();
    const refusals = screen.getByTestId('refusals');
    expect(within(refusals).getByText('No free desktop: 1')).toBeInTheDocument();
    expect(within(refusals).getByRole('link', { name: 'its sessions' })).toHaveAttribute('href', '/console/sessions?poolId=p2');
    expect(within(screen.getByTestId('seats-l1')).getByRole('link', { name: 'Office suite' })).toHaveAttribute('href', '/console/licences/l1');
    expect(within(screen.getByTestId('seats-l1')).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '70');

    // a change: the next snapshot replaces the figures in place
    stream.push('snapshot', busySnapshot({ generatedAt: '2026-12-06T09:31:00Z', sessions: { ...busySnapshot().sessions!, live: 8 } }));
    await waitFor(() => expect(screen.getByTestId('sessions-live')).toHaveTextContent('8'), { timeout: SLOW });
  });

  it('says it is reconnecting when the stream breaks, and is live again once it is back', async () => {
    renderConsole('/console/dashboard', ['TENANT_ADMIN'], (c) => (c.url === '/api/v1/admin/dashboard' ? { body: busySnapshot() } : undefined));
    const first = await openStream();
    first.push('snapshot', emptySnapshot());
    act(() => first.onerror?.(new Event('error')));
    expect(first.closed).toBe(true);
    expect(screen.getByTestId('live-status')).toHaveTextContent(/Reconnecting in \d s/);
    // after the wait: the dashboard is read once, then a new stream opens
    await waitFor(() => expect(FakeEventSource.all).toHaveLength(2), { timeout: 10_000 });
    expect(await screen.findByTestId('sessions-live', {}, { timeout: SLOW })).toHaveTextContent('7');
    await openStream();
    expect(screen.getByTestId('live-status')).toHaveTextContent('Live');
  });

  it('names the tenant a platform admin acts in, in the stream’s address', async () => {
    sessionStorage.setItem('deskport.console.tenant', JSON.stringify({ id: 't-2', slug: 'acme', name: 'Acme' }));
    renderConsole('/console', ['PLATFORM_ADMIN'], (c) => (c.url.startsWith('/api/v1/admin/tenants') ? { body: [] } : undefined));
    const stream = await openStream();
    expect(stream.url).toBe('/api/v1/admin/dashboard/stream?tenant=t-2');
  });

  it('tells an organisation with nothing yet what to do next', async () => {
    renderConsole('/console/dashboard', ['TENANT_ADMIN']);
    const stream = await openStream();
    stream.push('snapshot', emptySnapshot());
    expect(await screen.findByText('No pools yet', {}, { timeout: SLOW })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create a pool' })).toHaveAttribute('href', '/console/pools');
    expect(screen.getByRole('link', { name: 'Add a licence product' })).toHaveAttribute('href', '/console/licences');
  });

  it('keeps help desk landing on the sessions', async () => {
    renderConsole('/console', ['HELPDESK'], (c) => (c.url.startsWith('/api/v1/admin/sessions') ? { body: [] } : undefined));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' }, { timeout: SLOW })).toBeInTheDocument();
  });

  it('shows help desk the sections the broker sends them, without the admins’ ones', async () => {
    renderConsole('/console/dashboard', ['HELPDESK']);
    const stream = await openStream();
    stream.push('snapshot', busySnapshot({ sections: ['SESSIONS', 'CONNECTS', 'POOLS', 'SESSION_HOSTS'], hypervisorHosts: null, licences: null, provisioning: null }));
    expect(await screen.findByTestId('card-pools', {}, { timeout: SLOW })).toBeInTheDocument();
    expect(screen.getByTestId('card-sessions')).toBeInTheDocument();
    expect(screen.queryByTestId('card-licences')).not.toBeInTheDocument();
    expect(screen.queryByTestId('card-hypervisor-hosts')).not.toBeInTheDocument();
    expect(screen.queryByTestId('card-provisioning')).not.toBeInTheDocument();
    // help desk creates no pools: the hint says who does
    stream.push('snapshot', emptySnapshot({ generatedAt: '2026-12-06T09:40:00Z', sections: ['SESSIONS', 'CONNECTS', 'POOLS', 'SESSION_HOSTS'], hypervisorHosts: null, licences: null, provisioning: null }));
    expect(await screen.findByText('A tenant admin creates pools; their health shows here.', {}, { timeout: SLOW })).toBeInTheDocument();
  });
});
