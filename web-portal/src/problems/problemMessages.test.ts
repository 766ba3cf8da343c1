import { describeDesktopsByState, humanError, humanProblem } from './problemMessages';
import { ApiError } from '../api/http';

describe('humanProblem', () => {
  it('names the pool a user is not entitled to and tells them to ask IT', () => {
    const h = humanProblem({ reason: 'NOT_ENTITLED', poolName: 'Engineering workstations', poolId: 'p1' });
    expect(h.message).toBe('Your account is not entitled to “Engineering workstations”.');
    expect(h.action).toMatch(/Ask your IT administrator/);
    expect(h.retryable).toBe(false);
    expect(h.severity).toBe('danger');
  });

  it('says a disabled pool is switched off by IT', () => {
    const h = humanProblem({ reason: 'POOL_DISABLED', poolName: 'Office' });
    expect(h.message).toContain('“Office”');
    expect(h.retryable).toBe(true);
  });

  it('explains an exhausted pool with its figures', () => {
    const h = humanProblem({
      reason: 'POOL_EXHAUSTED',
      poolSize: 3,
      readyDesktops: 0,
      desktopsInUse: 2,
      desktopsByState: { IN_USE: 2, MAINTENANCE: 1, READY: 0 },
    });
    expect(h.message).toBe('All 3 desktops of this pool are taken: 2 in use, 0 free (2 in use, 1 in maintenance).');
    expect(h.action).toMatch(/Try again in a few minutes/);
    expect(h.retryable).toBe(true);
  });

  it('speaks of the only desktop of a one-desktop pool', () => {
    const h = humanProblem({ reason: 'POOL_EXHAUSTED', poolSize: 1, readyDesktops: 0, desktopsInUse: null, desktopsByState: { MAINTENANCE: 1 } });
    expect(h.message).toBe('The only desktop of this pool is not free (1 in maintenance).');
  });

  it('tells the user to ask IT when a pool has no desktops at all', () => {
    const h = humanProblem({ reason: 'POOL_EXHAUSTED', poolSize: 0, readyDesktops: 0, desktopsInUse: null, desktopsByState: {} });
    expect(h.message).toBe('This pool has no desktops yet.');
    expect(h.action).toMatch(/add desktops/);
    expect(h.retryable).toBe(false);
  });

  it('explains full session hosts with capacity figures', () => {
    const h = humanProblem({
      reason: 'HOST_CAPACITY',
      sessionHosts: 2,
      placeableHosts: 2,
      drainingHosts: 0,
      unreachableHosts: 0,
      sessionCapacity: 20,
      sessionsInUse: 20,
    });
    expect(h.message).toBe('All 20 session places on 2 servers are taken (20 in use).');
  });

  it('explains why no session host accepts sessions', () => {
    const h = humanProblem({
      reason: 'HOST_CAPACITY',
      sessionHosts: 3,
      placeableHosts: 0,
      drainingHosts: 2,
      unreachableHosts: 1,
      sessionCapacity: 0,
      sessionsInUse: 4,
    });
    expect(h.message).toBe('None of the 3 servers of this pool accepts new sessions (2 in maintenance, 1 not reachable).');
  });

  it('gives the organisation session limit and the running count', () => {
    const h = humanProblem({ reason: 'TENANT_QUOTA', quota: 'maxConcurrentSessions', maxConcurrentSessions: 5, activeSessions: 5 });
    expect(h.message).toBe('Your organisation may run 5 sessions at once and 5 are running.');
    expect(h.action).toMatch(/Log off a desktop you no longer need/);
  });

  it('gives the organisation desktop limit', () => {
    const h = humanProblem({ reason: 'TENANT_QUOTA', quota: 'maxDesktops', maxDesktops: 10, desktops: 10 });
    expect(h.message).toBe('Your organisation may have 10 desktops and has 10.');
  });

  it('says in words what state an unavailable desktop is in', () => {
    expect(humanProblem({ reason: 'DESKTOP_UNAVAILABLE', desktopState: 'MAINTENANCE' }).message).toBe(
      'Your desktop is in maintenance.',
    );
    const failed = humanProblem({ reason: 'DESKTOP_UNAVAILABLE', desktopState: 'FAILED' });
    expect(failed.severity).toBe('danger');
    expect(failed.action).toMatch(/needs repair/);
  });

  it('explains exhausted licences, with figures when the broker gives them', () => {
    expect(humanProblem({ reason: 'LICENCE_EXHAUSTED', seats: 25, seatsInUse: 25 }).message).toBe(
      'All 25 licences for this desktop are in use (25 taken).',
    );
    expect(humanProblem({ reason: 'LICENCE_EXHAUSTED' }).message).toBe('Every licence for this desktop is in use.');
  });

  it('names the product and says whose seats they are, by licence model', () => {
    const concurrent = humanProblem({ reason: 'LICENCE_EXHAUSTED', product: 'Office', model: 'CONCURRENT_USER', seats: 2, seatsInUse: 2 });
    expect(concurrent.message).toBe('All 2 licences for “Office” are in use (2 taken).');
    expect(concurrent.retryable).toBe(true);
    const named = humanProblem({ reason: 'LICENCE_EXHAUSTED', product: 'CAD', model: 'NAMED_USER', seats: 5, seatsInUse: 5 });
    expect(named.message).toBe('All 5 licences for “CAD” are assigned to named users.');
    expect(named.retryable).toBe(false);
    expect(named.action).toMatch(/licence of your own/);
    const device = humanProblem({ reason: 'LICENCE_EXHAUSTED', product: 'RDS CAL', model: 'PER_DEVICE', seats: 1 });
    expect(device.message).toBe('The one licence for “RDS CAL” is assigned to another device.');
    const none = humanProblem({ reason: 'LICENCE_EXHAUSTED', product: 'Old', model: 'CONCURRENT_USER', seats: 0, seatsInUse: 0 });
    expect(none.title).toBe('No licence in force');
    expect(none.retryable).toBe(false);
  });

  it('asks to sign in again when unauthenticated', () => {
    const h = humanProblem({ reason: 'UNAUTHENTICATED' });
    expect(h.signIn).toBe(true);
    expect(h.action).toMatch(/Sign in again/);
  });

  it('has words for every reason the broker gives an end user', () => {
    for (const reason of [
      'NOT_ENTITLED',
      'POOL_DISABLED',
      'POOL_EXHAUSTED',
      'HOST_CAPACITY',
      'TENANT_QUOTA',
      'DESKTOP_UNAVAILABLE',
      'LICENCE_EXHAUSTED',
      'DEVICE_ID_REQUIRED',
      'UNAUTHENTICATED',
      'BAD_CREDENTIALS',
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE',
      'CONFLICT',
      'SERVICE_UNAVAILABLE',
      'INTERNAL_ERROR',
    ]) {
      const h = humanProblem({ reason, detail: 'broker detail', title: 'broker title' });
      expect(h.title, reason).not.toBe('broker title');
      expect(h.message.length, reason).toBeGreaterThan(10);
      expect(h.action.length, reason).toBeGreaterThan(10);
    }
  });

  it('falls back to the broker’s own words for unknown reasons', () => {
    const h = humanProblem({ reason: 'SOMETHING_NEW', title: 'New thing', detail: 'It happened' });
    expect(h.title).toBe('New thing');
    expect(h.message).toBe('It happened');
  });

  it('mentions the problem instance for internal errors so IT can find it', () => {
    expect(humanProblem({ reason: 'INTERNAL_ERROR', instance: '/api/v1/pools/x/connect' }).action).toContain(
      '/api/v1/pools/x/connect',
    );
  });
});

describe('humanError', () => {
  it('reads the problem of an ApiError', () => {
    expect(humanError(new ApiError(403, { reason: 'NOT_ENTITLED', poolName: 'X' })).title).toBe('No access to this desktop');
  });

  it('treats anything else as an internal error', () => {
    expect(humanError(new TypeError('boom')).title).toBe('Deskport has a problem');
  });
});

describe('describeDesktopsByState', () => {
  it('leaves out empty states and is undefined without any', () => {
    expect(describeDesktopsByState({ READY: 0, STARTING: 1 })).toBe('1 starting');
    expect(describeDesktopsByState({})).toBeUndefined();
    expect(describeDesktopsByState(null)).toBeUndefined();
  });
});

describe('overload and outages', () => {
  it('tells a user turned away in a sign-in wave when to come back', () => {
    const h = humanProblem({ reason: 'OVERLOADED', retryAfterSeconds: 2 });
    expect(h.action).toBe('Try again in 2 seconds; nothing was lost.');
    expect(h.retryable).toBe(true);
    expect(h.severity).toBe('warning');
  });

  it('says the broker cannot reach its database, and that nothing changed', () => {
    const h = humanProblem({ reason: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
    expect(h.message).toContain('nothing was changed');
    expect(h.action).toContain('5 seconds');
  });
});

describe('the admin console’s refusals', () => {
  it('tells an admin another admin changed the object, that nothing was overwritten, and to reload', () => {
    const h = humanProblem({ reason: 'STALE_VERSION', objectType: 'Pool', currentVersion: 8, currentETag: '"8"' }, 'admin');
    expect(h.title).toBe('Someone else changed this');
    expect(h.message).toBe('Another admin changed this pool after you opened it, so your change was not saved and nothing was overwritten.');
    expect(h.action).toBe('Reload to see the pool as it is now, then make your change again.');
    expect(humanProblem({ reason: 'STALE_VERSION', objectType: 'Tenant' }, 'admin').message).toContain('this organisation');
  });

  it('explains a change sent without its version', () => {
    expect(humanProblem({ reason: 'PRECONDITION_REQUIRED' }, 'admin').action).toMatch(/Reload/);
  });

  it('says an object is still in use, with the broker’s figures', () => {
    const h = humanProblem({ reason: 'IN_USE', detail: 'The host has 3 live sessions', objectType: 'Session host' }, 'admin');
    expect(h.message).toBe('The host has 3 live sessions');
    expect(h.action).toMatch(/End or remove what uses it first/);
  });

  it('lists the fields a VALIDATION_FAILED names, for admins and users alike', () => {
    const p = {
      reason: 'VALIDATION_FAILED',
      errors: [
        { field: 'username', message: 'letters, digits and . _ @ -, up to 128' },
        { field: 'password', message: 'must be 8 to 200 characters' },
      ],
    };
    expect(humanProblem(p, 'admin').message).toBe('username: letters, digits and . _ @ -, up to 128; password: must be 8 to 200 characters.');
    expect(humanProblem({ reason: 'VALIDATION_FAILED', detail: 'q: too long' }).message).toBe('q: too long');
  });

  it('speaks to admins about conflicts, permissions and missing objects, not about My desktops', () => {
    for (const reason of ['CONFLICT', 'INVALID_STATE', 'FORBIDDEN', 'NOT_FOUND']) {
      const h = humanProblem({ reason }, 'admin');
      expect(`${h.message} ${h.action}`, reason).not.toMatch(/My desktops/);
    }
    expect(humanProblem({ reason: 'NOT_FOUND', objectType: 'User' }, 'admin').message).toBe(
      'This user no longer exists, or belongs to another organisation.',
    );
    // end users keep their words
    expect(humanProblem({ reason: 'CONFLICT' }).action).toBe('Refresh My desktops and try again.');
  });

  it('reads the words for an ApiError for admins', () => {
    expect(humanError(new ApiError(412, { reason: 'STALE_VERSION', objectType: 'User' }), 'admin').title).toBe('Someone else changed this');
  });
});
