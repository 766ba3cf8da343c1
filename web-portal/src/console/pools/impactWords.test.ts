import type { PoolImpact } from '../adminTypes';
import { deleteWords, deletedWords, disableWords, disabledWords } from './impactWords';

const impact: PoolImpact = {
  poolId: 'p1',
  poolName: 'Office',
  kind: 'POOLED',
  enabled: true,
  whenDisabled: { liveSessionsGoOn: 2, usersWithLiveSessions: 2, entitledUsers: 30, desktopsKept: 5, provisioningGoesOn: true, spareDesktopsKeptStarted: 1 },
  whenDeleted: {
    sessionsEnded: 2,
    connectedSessionsEnded: 1,
    disconnectedSessionsEnded: 1,
    startingSessionsEnded: 0,
    usersAffected: 2,
    sessionHistoryRemoved: 140,
    desktopsRemoved: 5,
    machinesDeleted: 4,
    registeredDesktopsForgotten: 1,
    assignedDesktopsRemoved: 2,
    sessionHostsRemoved: 0,
    userEntitlementsRemoved: 1,
    groupEntitlementsRemoved: 2,
    entitledUsersLosingAccess: 30,
    desktopSeatsFreed: 4,
    concurrentSeatsFreed: 2,
    licenceProducts: ['Office CAL', 'VDA'],
    imageVersionsRemoved: 3,
  },
};

describe('what disabling a pool does', () => {
  it('says who is refused, what goes on and what stays, with the figures', () => {
    expect(disableWords(impact)).toEqual([
      '30 entitled users can no longer start a session in it: they are told IT has switched it off.',
      '2 live sessions of 2 users go on: their users can return to them until they end (the pool’s timeouts still apply).',
      'Its 5 desktops stay as they are; provisioning keeps 1 spare desktop started meanwhile.',
      'Entitlements and licences stay; enabling the pool again undoes this.',
    ]);
    expect(disabledWords(impact)).toBe('“Office” is disabled: new sessions are refused; 2 live sessions go on.');
  });

  it('says when nothing runs and nobody is entitled', () => {
    const idle = { ...impact, whenDisabled: { ...impact.whenDisabled, liveSessionsGoOn: 0, usersWithLiveSessions: 0, entitledUsers: 0, desktopsKept: 1, provisioningGoesOn: false } };
    expect(disableWords(idle).slice(0, 3)).toEqual(['Nobody is entitled to it, so nobody is refused.', 'No session is running in it: none is affected.', 'Its 1 desktop stays as it is.']);
  });
});

describe('what deleting a pool does', () => {
  it('counts the sessions that end, the desktops and machines that go and the seats given back', () => {
    expect(deleteWords(impact)).toEqual([
      '2 live sessions of 2 users end now (1 connected, 1 disconnected, 0 starting): unsaved work in them is lost.',
      'The records of 140 ended sessions go with the pool (the audit trail and usage keep theirs).',
      '5 desktops are removed: 4 virtual machines Deskport created are deleted, with their disks; 1 registered machine keeps running, forgotten by Deskport. 2 of them are assigned to a user now.',
      '1 user entitlement and 2 group entitlements are removed: 30 people lose the pool.',
      '6 licence seats are given back (4 per desktop, 2 concurrent-user); it no longer consumes “Office CAL”, “VDA”. Named-user and device seats stay with their holders.',
      '3 image versions of the pool are removed (the image files stay).',
      'This cannot be undone.',
    ]);
    expect(deletedWords(impact)).toBe('“Office” is deleted: 2 sessions ended, 5 desktops removed (4 virtual machines being deleted), 6 licence seats given back.');
  });

  it('names the session hosts a shared pool loses', () => {
    const shared = { ...impact, kind: 'SHARED' as const, whenDeleted: { ...impact.whenDeleted, desktopsRemoved: 0, machinesDeleted: 0, registeredDesktopsForgotten: 0, assignedDesktopsRemoved: 0, sessionHostsRemoved: 3 } };
    expect(deleteWords(shared)).toContain('3 session hosts are removed: their agents, no longer accepted, log off every session there and stop; the machines keep running.');
    expect(deleteWords(shared)).toContain('It has no desktops.');
  });
});
