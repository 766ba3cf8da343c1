import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';

import { MyDesktopsPage } from './MyDesktopsPage';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

function renderPage(fetchImpl: (url: string, init?: RequestInit) => Response) {
  vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => fetchImpl(url, init)));
  return render(
    <MemoryRouter initialEntries={['/']}>
      <Routes>
        <Route path="/" element={<MyDesktopsPage />} />
        <Route path="/desktops/:id" element={<p>desktop view</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

const pools = [{ id: 'p1', name: 'Office desktops', description: null, kind: 'POOLED', enabled: true, session: null }];

afterEach(() => vi.unstubAllGlobals());

describe('MyDesktopsPage', () => {
  it('shows a refused connect on the pool’s card, in words with the figures', async () => {
    renderPage((url) =>
      url.endsWith('/connect')
        ? json(
            503,
            { reason: 'POOL_EXHAUSTED', poolSize: 3, readyDesktops: 0, desktopsInUse: 3, desktopsByState: { IN_USE: 3 } },
            'application/problem+json',
          )
        : json(200, pools),
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Connect Office desktops' }));
    const alert = await screen.findByTestId('desktop-problem');
    expect(within(alert).getByText('No desktop free right now')).toBeInTheDocument();
    expect(alert).toHaveTextContent('All 3 desktops of this pool are taken: 3 in use, 0 free (3 in use).');
    expect(alert).toHaveTextContent('Try again in a few minutes');
  });

  it('opens the desktop view of the session a connect returns', async () => {
    renderPage((url) =>
      url.endsWith('/connect')
        ? json(201, { session: { id: 's1', state: 'READY' }, state: 'READY', reconnected: false })
        : json(200, pools),
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Connect Office desktops' }));
    expect(await screen.findByText('desktop view')).toBeInTheDocument();
  });

  it('tells a user without entitlements what to do', async () => {
    renderPage(() => json(200, []));
    expect(await screen.findByText('No desktops yet')).toBeInTheDocument();
    expect(screen.getByText(/Ask your IT administrator/)).toBeInTheDocument();
  });

  it('asks before logging off', async () => {
    const session = { id: 's1', poolId: 'p1', poolName: 'Office desktops', state: 'DISCONNECTED' };
    const calls: string[] = [];
    renderPage((url, init) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      return url.endsWith('/logoff') ? json(200, { ...session, state: 'ENDED' }) : json(200, [{ ...pools[0], session }]);
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Log off Office desktops' }));
    expect(calls).not.toContain('POST /api/v1/sessions/s1/logoff');
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Log off' }));
    expect(await screen.findByText('You logged off from Office desktops.')).toBeInTheDocument();
    expect(calls).toContain('POST /api/v1/sessions/s1/logoff');
  });
});
