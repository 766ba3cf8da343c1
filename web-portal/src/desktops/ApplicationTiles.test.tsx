import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';

import { initialOf, joinsSession } from './ApplicationTiles';
import { MyDesktopsPage } from './MyDesktopsPage';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

const ICON = 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnLz4=';
const pools = [
  { id: 'p1', name: 'Office apps', description: null, kind: 'SHARED', enabled: true, session: null },
  { id: 'p2', name: 'Desktops', description: null, kind: 'POOLED', enabled: true, session: null },
];
const apps = [
  { id: 'a1', name: 'Terminal', icon: ICON, poolId: 'p1', poolName: 'Office apps' },
  { id: 'a2', name: 'editor', icon: null, poolId: 'p1', poolName: 'Office apps' },
];

function renderPage(fetchImpl: (url: string, init?: RequestInit) => Response) {
  const calls: { url: string; method: string; headers: Record<string, string> }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, method: init?.method ?? 'GET', headers: (init?.headers ?? {}) as Record<string, string> });
      return fetchImpl(url, init);
    }),
  );
  render(
    <MemoryRouter initialEntries={['/']}>
      <Routes>
        <Route path="/" element={<MyDesktopsPage />} />
        <Route path="/desktops/:id" element={<p>session view</p>} />
      </Routes>
    </MemoryRouter>,
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('My applications', () => {
  it('shows a tile per published application beside the desktops, with its icon or its initial', async () => {
    renderPage((url) => (url.endsWith('/api/v1/applications') ? json(200, apps) : json(200, pools)));

    const list = await screen.findByRole('list', { name: 'Applications' });
    const tiles = within(list).getAllByTestId('application-tile');
    expect(tiles.map((t) => t.getAttribute('data-application'))).toEqual(['Terminal', 'editor']);
    expect(tiles[0].querySelector('img')).toHaveAttribute('src', ICON);
    expect(within(tiles[1]).getByText('E')).toBeInTheDocument();
    expect(tiles[0]).toHaveTextContent('Office apps');
    expect(screen.getAllByTestId('desktop-card')).toHaveLength(2);
  });

  it('launches an application through the broker and opens the session it runs in', async () => {
    const calls = renderPage((url, init) =>
      url.endsWith('/launch') && init?.method === 'POST'
        ? json(201, { session: { id: 's9', state: 'PREPARING' }, state: 'PREPARING', reconnected: false, applicationId: 'a1' })
        : url.endsWith('/api/v1/applications')
          ? json(200, apps)
          : json(200, pools),
    );

    await userEvent.click(await screen.findByRole('button', { name: 'Open Terminal' }));

    expect(await screen.findByText('session view')).toBeInTheDocument();
    const launch = calls.find((c) => c.method === 'POST');
    expect(launch?.url).toBe('/api/v1/applications/a1/launch');
    expect(Object.keys(launch?.headers ?? {})).toContain('Deskport-Device-Id');
  });

  it('says on the tile why a launch was refused', async () => {
    renderPage((url, init) =>
      url.endsWith('/launch') && init?.method === 'POST'
        ? json(503, { reason: 'LICENCE_EXHAUSTED', product: 'RDS CAL', seats: 1, seatsInUse: 1, model: 'CONCURRENT_USER' }, 'application/problem+json')
        : url.endsWith('/api/v1/applications')
          ? json(200, apps)
          : json(200, pools),
    );

    await userEvent.click(await screen.findByRole('button', { name: 'Open editor' }));

    const tile = (await screen.findAllByTestId('application-tile'))[1];
    expect(await within(tile).findByTestId('application-problem')).toBeInTheDocument();
    expect(screen.queryByText('session view')).not.toBeInTheDocument();
  });

  it('shows no applications section when none is published, and the desktops when the list fails', async () => {
    renderPage((url) => (url.endsWith('/api/v1/applications') ? json(500, { reason: 'INTERNAL_ERROR' }, 'application/problem+json') : json(200, pools)));

    expect(await screen.findAllByTestId('desktop-card')).toHaveLength(2);
    expect(screen.queryByRole('list', { name: 'Applications' })).not.toBeInTheDocument();
  });

  it('knows when an application opens in the user’s running session, and names an icon-less one by its initial', () => {
    const live = [{ ...pools[0], session: { id: 's1', state: 'CONNECTED' } }] as never;
    expect(joinsSession(apps[0], live)).toBe(true);
    expect(joinsSession(apps[0], pools as never)).toBe(false);
    expect(initialOf('  xterm')).toBe('X');
    expect(initialOf('')).toBe('?');
  });
});
