import { configure, render } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';

import { App } from '../app/App';
import { AuthProvider } from '../auth';
import { fakeBroker, pathOf, type Answer, type Call, type Route } from './testBroker';

export { fakeBroker, pathOf, queryOf, type Answer, type Call, type Route } from './testBroker';

/** The signed-in account of the console's tests, with these roles. */
export const me = (...roles: string[]) => ({ userId: 'me-1', tenantId: 't-1', username: 'admin', roles });

/**
 * The whole app at `path`, signed in with `roles` (as `username`), against a fake broker that answers `route` (and
 * `/api/v1/me`); returns every call the app made, in order.
 */
export function renderApp(path: string, roles: string[], route: Route, username = 'admin'): Call[] {
  const calls = fakeBroker((c) => (c.url === '/api/v1/me' ? { body: { ...me(...roles), username } } : route(c)));
  render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider>
        <App />
      </AuthProvider>
    </MemoryRouter>,
  );
  return calls;
}

/** `route`, and an empty list for any other admin list the page reads (its filters' choices, names). */
export function orEmptyLists(route: Route): Route {
  return (c: Call): Answer | undefined => route(c) ?? (pathOf(c.url).startsWith('/api/v1/admin/') ? { body: [] } : undefined);
}

/**
 * Each test starts signed out of any tenant switch, and with the real fetch back; what a page shows is waited for up
 * to 5 s, and a whole test up to 20 s (the pages read several lists before they show one, and the machine may be busy
 * with other builds: a page test took 6 s at a load of 11 on two cores).
 */
export function resetBetweenTests() {
  patientQueries();
  vi.setConfig({ testTimeout: 20_000 });
  beforeEach(() => sessionStorage.clear());
  afterEach(() => vi.unstubAllGlobals());
}

/**
 * Waits up to `ms` for what a page shows (findBy…, waitFor): for the pages that read several lists or draw charts
 * before they show what a test looks for, on a machine busy with other builds.
 */
export function patientQueries(ms = 5000) {
  configure({ asyncUtilTimeout: ms });
}
