import { assignedUserWords, entitledWords } from './names';

describe('names listed with the rows', () => {
  it('says who a desktop is assigned to: display name, else username, a dash for nobody', () => {
    expect(assignedUserWords({ assignedUserId: 'u1', assignedUsername: 'alice', assignedUserDisplayName: 'Alice Example' })).toBe('Alice Example');
    expect(assignedUserWords({ assignedUserId: 'u1', assignedUsername: 'alice', assignedUserDisplayName: null })).toBe('alice');
    expect(assignedUserWords({ assignedUserId: 'u1' })).toBe('unknown');
    expect(assignedUserWords({ assignedUserId: null, assignedUsername: null })).toBe('—');
  });

  it('says whom an entitlement entitles', () => {
    expect(entitledWords({ userId: 'u1', groupId: null, username: 'bob', userDisplayName: 'Bob Builder' })).toBe('User Bob Builder');
    expect(entitledWords({ userId: 'u1', groupId: null, username: 'bob', userDisplayName: null })).toBe('User bob');
    expect(entitledWords({ userId: null, groupId: 'g1', groupName: 'Staff' })).toBe('Group Staff');
    expect(entitledWords({ userId: null, groupId: 'g1' })).toBe('Group unknown');
    expect(entitledWords({ userId: null, groupId: null })).toBe('—');
  });
});
