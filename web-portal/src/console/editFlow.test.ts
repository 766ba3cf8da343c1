import { adminClient, TENANT_HEADER } from './adminApi';
import { changedMembers, fieldErrors, saveVersioned } from './editFlow';
import { fakeBroker } from './testBroker';

afterEach(() => vi.unstubAllGlobals());

describe('adminClient', () => {
  it('names the tenant a platform admin acts in, and only then', async () => {
    const calls = fakeBroker(() => ({ body: [] }));
    await adminClient('t-2').page('/api/v1/admin/pools');
    await adminClient(null).page('/api/v1/admin/pools');
    expect(calls[0].headers[TENANT_HEADER]).toBe('t-2');
    expect(calls[1].headers[TENANT_HEADER]).toBeUndefined();
  });

  it('reads a page: rows, the next link and the total', async () => {
    fakeBroker(() => ({
      body: [{ id: 'a' }],
      headers: { Link: '</api/v1/admin/users?limit=1&cursor=c1>; rel="next"', 'X-Total-Count': '2' },
    }));
    const page = await adminClient(null).page('/api/v1/admin/users?limit=1');
    expect(page).toEqual({ rows: [{ id: 'a' }], next: '/api/v1/admin/users?limit=1&cursor=c1', total: { count: 2, exact: true } });
  });

  it('keeps the ETag of what it read', async () => {
    fakeBroker(() => ({ body: { id: 'u1' }, headers: { ETag: '"7"' } }));
    expect(await adminClient(null).get('/api/v1/admin/users/u1')).toEqual({ value: { id: 'u1' }, etag: '"7"' });
  });
});

describe('saveVersioned', () => {
  it('sends the change with If-Match of the version it was made from', async () => {
    const calls = fakeBroker(() => ({ body: { id: 'u1', displayName: 'B' }, headers: { ETag: '"8"' } }));
    const outcome = await saveVersioned(adminClient(null), 'PATCH', '/api/v1/admin/users/u1', '"7"', { displayName: 'B' });
    expect(calls[0]).toMatchObject({ method: 'PATCH', headers: { 'If-Match': '"7"' }, body: { displayName: 'B' } });
    expect(outcome).toEqual({ kind: 'saved', saved: { value: { id: 'u1', displayName: 'B' }, etag: '"8"' } });
  });

  it('tells that someone else changed it (412 STALE_VERSION) and what its version is now', async () => {
    fakeBroker(() => ({
      status: 412,
      body: { reason: 'STALE_VERSION', objectType: 'User', currentVersion: 9, currentETag: '"9"' },
    }));
    const outcome = await saveVersioned(adminClient(null), 'PATCH', '/api/v1/admin/users/u1', '"7"', { displayName: 'B' });
    expect(outcome.kind).toBe('stale');
    if (outcome.kind === 'stale') {
      expect(outcome.currentETag).toBe('"9"');
      expect(outcome.problem.title).toBe('Someone else changed this');
      expect(outcome.problem.message).toMatch(/Another admin changed this user .* nothing was overwritten/);
    }
  });

  it('gives the fields the broker refused', async () => {
    fakeBroker(() => ({
      status: 400,
      body: { reason: 'VALIDATION_FAILED', errors: [{ field: 'email', message: 'must be a well-formed email address' }] },
    }));
    const outcome = await saveVersioned(adminClient(null), 'PATCH', '/api/v1/admin/users/u1', '"7"', { email: 'x' });
    expect(outcome).toMatchObject({ kind: 'refused', fieldErrors: { email: 'must be a well-formed email address' } });
  });
});

describe('changedMembers', () => {
  it('keeps only what the admin changed (roles compared as sets)', () => {
    expect(
      changedMembers(
        { displayName: 'A', email: 'a@x', roles: ['USER', 'HELPDESK'], enabled: true },
        { displayName: 'A', email: 'b@x', roles: ['HELPDESK', 'USER'], enabled: false },
      ),
    ).toEqual({ email: 'b@x', enabled: false });
  });
});

describe('fieldErrors', () => {
  it('keeps the first message per field and ignores what is not an error', () => {
    expect(fieldErrors({ errors: [{ field: 'a', message: 'one' }, { field: 'a', message: 'two' }, null, { message: 'x' }] })).toEqual({ a: 'one' });
    expect(fieldErrors(undefined)).toEqual({});
  });
});
