import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';

import { ConsoleProvider } from './ConsoleContext';
import { entitlementWords, SubjectPools, type SubjectEntitlement } from './pages/SubjectPools';
import { fakeBroker, pathOf, queryOf } from './testBroker';

afterEach(() => vi.unstubAllGlobals());

const direct: SubjectEntitlement = {
  entitlementId: 'e1',
  poolId: 'p1',
  poolName: 'Office',
  poolKind: 'POOLED',
  poolEnabled: true,
  groupId: null,
  createdAt: '2026-12-01T10:00:00Z',
};
const viaGroup: SubjectEntitlement = { ...direct, entitlementId: 'e2', poolId: 'p2', poolName: 'CAD', poolKind: 'PERSISTENT', poolEnabled: false, groupId: 'g1' };

describe('a user’s or group’s pools', () => {
  it('says how each pool is open to the user', () => {
    expect(entitlementWords(direct, {}, true)).toMatch(/ — directly$/);
    expect(entitlementWords(viaGroup, { g1: 'Designers' }, true)).toMatch(/, disabled — through the group Designers$/);
    expect(entitlementWords(viaGroup, {}, false)).not.toMatch(/through/);
  });

  it('lists the user’s pools by name, linked to their pages, with the group they come through', async () => {
    const calls = fakeBroker((c) => {
      if (pathOf(c.url) === '/api/v1/admin/users/u1/pools') {
        return { body: [viaGroup, direct] };
      }
      if (pathOf(c.url) === '/api/v1/admin/groups/g1') {
        return { body: { id: 'g1', name: 'Designers' } };
      }
      return undefined;
    });
    render(
      <MemoryRouter>
        <ConsoleProvider allowSwitch={false}>
          <SubjectPools kind="users" id="u1" />
        </ConsoleProvider>
      </MemoryRouter>,
    );
    const list = await screen.findByTestId('subject-pools');
    expect(within(list).getByRole('link', { name: 'CAD' })).toHaveAttribute('href', '/console/pools/p2');
    expect(await within(list).findByText(/through the group Designers/)).toBeInTheDocument();
    expect(within(list).getByText(/directly/)).toBeInTheDocument();
    const call = calls.find((c) => pathOf(c.url) === '/api/v1/admin/users/u1/pools')!;
    expect(queryOf(call.url).get('sort')).toBe('poolName');
  });

  it('tells what to do when the group opens no pool', async () => {
    fakeBroker((c) => (pathOf(c.url) === '/api/v1/admin/groups/g1/pools' ? { body: [] } : undefined));
    render(
      <MemoryRouter>
        <ConsoleProvider allowSwitch={false}>
          <SubjectPools kind="groups" id="g1" />
        </ConsoleProvider>
      </MemoryRouter>,
    );
    expect(await screen.findByTestId('subject-pools-empty')).toHaveTextContent('entitle the group on a pool’s page');
  });
});
