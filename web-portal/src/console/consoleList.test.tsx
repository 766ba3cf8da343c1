import { act, render, renderHook, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';

import { ApiError } from '../api/http';
import { ConsoleProvider } from './ConsoleContext';
import { ConsoleList, useConsoleList, useNotice, usePendingAction, type FilterKey } from './ConsoleList';
import { fakeBroker, orEmptyLists, pathOf, queryOf, renderApp, resetBetweenTests, type Answer } from './testConsole';

resetBetweenTests();

const KEYS = ['q', 'state'] as const;
interface Thing {
  id: string;
  name: string;
}

function Things({ local, onCleared }: { local?: boolean; onCleared?(): void }) {
  const state = useConsoleList<Thing, FilterKey<typeof KEYS>>('/api/v1/admin/things', KEYS, 'name', { local, query: (f) => ({ ...f, extra: f.state ? 'yes' : '' }) });
  const notice = useNotice();
  return (
    <>
      <button onClick={() => state.filters.setFilter('state', 'OLD')}>Only old</button>
      <button onClick={() => notice.show('Done it.', { testId: 'done' })}>Do it</button>
      <ConsoleList
        state={state}
        notice={notice}
        label="Things"
        columns={[{ title: 'Name', sortKey: 'name', render: (t) => t.name }]}
        rowKey={(t) => t.id}
        empty={{ title: 'No things yet', body: 'Make one.' }}
        onClearFilters={onCleared}
      />
    </>
  );
}

function renderThings(path: string, props: { local?: boolean; onCleared?(): void } = {}) {
  const calls = fakeBroker((c) => (pathOf(c.url) === '/api/v1/admin/things' ? { body: queryOf(c.url).get('state') ? [] : [{ id: '1', name: 'Alpha' }] } : undefined));
  render(
    <MemoryRouter initialEntries={[path]}>
      <ConsoleProvider allowSwitch={false}>
        <Things {...props} />
      </ConsoleProvider>
    </MemoryRouter>,
  );
  return calls;
}

describe('the console’s list component', () => {
  it('reads the filters from the address, sends the query made of them, and clears them with its own extra clearing', async () => {
    const cleared = vi.fn();
    const calls = renderThings('/console/things?state=NEW&other=kept', { onCleared: cleared });
    expect(await screen.findByText('No things match these filters')).toBeInTheDocument();
    const first = queryOf(calls[0].url);
    expect([first.get('state'), first.get('extra'), first.get('sort'), first.get('limit'), first.has('other')]).toEqual(['NEW', 'yes', 'name', '50', false]);
    await userEvent.click(screen.getAllByRole('button', { name: /Clear all filters/ })[0]);
    expect(await screen.findByText('Alpha')).toBeInTheDocument();
    expect(cleared).toHaveBeenCalled();
    expect(queryOf(calls.at(-1)!.url).has('state')).toBe(false);
  });

  it('keeps local filters out of the address, and shows the notice of the last action', async () => {
    const calls = renderThings('/console/things', { local: true });
    expect(await screen.findByText('Alpha')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Only old' }));
    expect(await screen.findByText('No things match these filters')).toBeInTheDocument();
    expect(queryOf(calls.at(-1)!.url).get('state')).toBe('OLD');
    await userEvent.click(screen.getByRole('button', { name: 'Do it' }));
    expect(screen.getByTestId('done')).toHaveTextContent('Done it.');
  });

  it('shows the empty state’s next step when nothing is filtered', async () => {
    fakeBroker(() => ({ body: [] }));
    render(
      <MemoryRouter>
        <ConsoleProvider allowSwitch={false}>
          <Things />
        </ConsoleProvider>
      </MemoryRouter>,
    );
    expect(await screen.findByText('No things yet')).toBeInTheDocument();
    expect(screen.getByText('Make one.')).toBeInTheDocument();
  });
});

describe('a confirmed action', () => {
  it('closes when done, keeps the refusal in words while open, and forgets it when cancelled', async () => {
    const { result } = renderHook(() => usePendingAction<string>());
    act(() => result.current.ask('h1'));
    expect(result.current.pending).toBe('h1');
    await act(() => result.current.run(async () => Promise.reject(new ApiError(409, { reason: 'IN_USE', detail: 'Host h1 has 2 sessions' }))));
    expect(result.current.pending).toBe('h1');
    expect(result.current.busy).toBe(false);
    expect(result.current.problem?.message).toBe('Host h1 has 2 sessions');
    act(() => result.current.cancel());
    expect([result.current.pending, result.current.problem]).toEqual([null, null]);

    const done: string[] = [];
    act(() => result.current.ask('h2'));
    await act(() => result.current.run(async (p) => void done.push(p)));
    expect(done).toEqual(['h2']);
    expect(result.current.pending).toBeNull();
  });
});

describe('a licence product’s consuming pools', () => {
  const product = { id: 'lp1', name: 'VDA', vendor: '', sku: '', model: 'PER_DESKTOP', seats: 5, capacity: 5, seatsInUse: 2, enforcement: 'HARD', overuseMargin: 0, licenceInForce: null, pools: 1, releaseOnDisconnect: false, unusedDays: null, createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z' };

  it('lists them from the broker’s own list, with their desktops’ seats, and stops one consuming after saying what that does', async () => {
    let consuming = true;
    const calls = renderApp(
      '/console/licences/lp1',
      ['TENANT_ADMIN'],
      orEmptyLists((c): Answer | undefined => {
        const p = pathOf(c.url);
        if (p === '/api/v1/admin/licence-products/lp1') return { body: product, headers: { ETag: '"1"' } };
        if (p === '/api/v1/admin/licence-products/lp1/pools') {
          return { body: consuming ? [{ id: 'p1', name: 'Office', kind: 'POOLED', enabled: true, desktopSeats: 2, createdAt: '2026-12-01T00:00:00Z' }] : [], headers: { 'X-Total-Count': consuming ? '1' : '0' } };
        }
        if (p === '/api/v1/admin/licence-reports/peaks') return { body: { productId: 'lp1', productName: 'VDA', model: 'PER_DESKTOP', timeZone: 'UTC', period: 'DAY', from: '2026-12-05', to: '2026-12-06', peaks: [] } };
        if (p === '/api/v1/admin/licence-reports/overuse') return { body: { productId: 'lp1', productName: 'VDA', timeZone: 'UTC', from: '2026-12-05', to: '2026-12-06', periods: [] } };
        if (p === '/api/v1/admin/pools/p1/licence-products/lp1' && c.method === 'DELETE') {
          consuming = false;
          return { status: 204 };
        }
        return undefined;
      }),
    );
    const pools = await screen.findByRole('grid', { name: 'Pools consuming it' });
    expect(within(pools).getByRole('link', { name: 'Office' })).toHaveAttribute('href', '/console/pools/p1');
    expect(within(pools).getByText('2')).toBeInTheDocument();
    expect(queryOf(calls.find((c) => pathOf(c.url) === '/api/v1/admin/licence-products/lp1/pools')!.url).get('sort')).toBe('name');

    await userEvent.click(within(pools).getByRole('button', { name: 'Stop consuming VDA in Office' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('The seats of this pool’s desktops are given back at once.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stop consuming' }));
    expect(await screen.findByText('Connects to Office no longer take a seat of VDA.')).toBeInTheDocument();
    expect(await screen.findByText('No pool consumes it yet')).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => pathOf(c.url) === '/api/v1/admin/licence-products/lp1').length).toBeGreaterThanOrEqual(2));
  });
});
