import type { MyPool, Session, SessionState } from '../api/types';
import { anyLive, anyPreparing, endReasonWords, poolView } from './sessionView';
import { endedWords } from './failureWords';

const session = (state: SessionState, extra: Partial<Session> = {}): Session => ({
  id: 's1',
  poolId: 'p1',
  poolName: 'Office',
  poolKind: 'POOLED',
  username: 'alice',
  state,
  endReason: null,
  machineName: 'office-1',
  createdAt: '2026-01-01T00:00:00Z',
  stateChangedAt: '2026-01-01T00:00:00Z',
  connectedAt: null,
  ...extra,
});

const pool = (s: Session | null, enabled = true, kind: MyPool['kind'] = 'POOLED'): MyPool => ({
  id: 'p1',
  name: 'Office',
  description: null,
  kind,
  enabled,
  session: s,
});

describe('poolView', () => {
  it('offers connect for an enabled pool without a session', () => {
    const v = poolView(pool(null));
    expect(v.badge).toEqual({ label: 'Available', color: 'green' });
    expect(v.primary).toBe('connect');
    expect(v.secondary).toEqual([]);
  });

  it('tells a user the help desk disconnected them', () => {
    const v = poolView(pool(session('DISCONNECTED', { disconnectedBy: 'HELP_DESK' })));
    expect(v.hint).toMatch(/^Disconnected by your IT help desk\./);
    expect(poolView(pool(session('DISCONNECTED'))).hint).not.toContain('help desk');
  });

  it('says so when the pool has no desktop in service, and lets the user try (the refusal says why)', () => {
    const v = poolView({ ...pool(null), availability: 'NO_DESKTOPS' });
    expect(v.badge).toEqual({ label: 'No desktops', color: 'grey' });
    expect(v.hint).toMatch(/No desktop of this pool is in service/);
    expect(v.primary).toBe('connect');
    expect(poolView({ ...pool(null, true, 'SHARED'), availability: 'NO_DESKTOPS' }).hint).toMatch(/No server/);
  });

  it('says every desktop is in use, and still lets the user try', () => {
    const v = poolView({ ...pool(null), availability: 'ALL_IN_USE' });
    expect(v.badge).toEqual({ label: 'All in use', color: 'orange' });
    expect(v.primary).toBe('connect');
  });

  it('is available when the broker says so', () => {
    expect(poolView({ ...pool(null), availability: 'AVAILABLE' }).badge.label).toBe('Available');
  });

  it('a disabled pool is unavailable whatever its desktops', () => {
    expect(poolView({ ...pool(null, false), availability: 'NO_DESKTOPS' }).badge.label).toBe('Unavailable');
  });

  it('offers nothing for a disabled pool without a session', () => {
    const v = poolView(pool(null, false));
    expect(v.badge.label).toBe('Unavailable');
    expect(v.primary).toBeNull();
  });

  it('shows preparing with progress and lets the user cancel by logging off', () => {
    const v = poolView(pool(session('PREPARING', { progress: 140 })));
    expect(v.badge.label).toBe('Preparing');
    expect(v.preparing).toBe(true);
    expect(v.progress).toBe(100);
    expect(v.primary).toBeNull();
    expect(v.secondary).toEqual(['logoff']);
  });

  it('has no progress figure while preparing when the broker gives none', () => {
    expect(poolView(pool(session('PREPARING'))).progress).toBeNull();
  });

  it('offers open for a ready session', () => {
    const v = poolView(pool(session('READY')));
    expect(v.primary).toBe('open');
    expect(v.secondary).toEqual(['logoff']);
  });

  it('offers open, disconnect and log off for a connected session', () => {
    const v = poolView(pool(session('CONNECTED')));
    expect(v.badge.label).toBe('Running · connected');
    expect(v.primary).toBe('open');
    expect(v.secondary).toEqual(['disconnect', 'logoff']);
  });

  it('offers reconnect for a disconnected session, even when the pool was disabled since', () => {
    const v = poolView(pool(session('DISCONNECTED'), false));
    expect(v.badge).toEqual({ label: 'Disconnected · waiting', color: 'orange' });
    expect(v.primary).toBe('reconnect');
    expect(v.secondary).toEqual(['logoff']);
  });

  it('treats an ended session as none', () => {
    expect(poolView(pool(session('ENDED'))).primary).toBe('connect');
  });
});

describe('anyPreparing', () => {
  it('is true while one pool prepares a session', () => {
    expect(anyPreparing([pool(null), pool(session('PREPARING'))])).toBe(true);
    expect(anyPreparing([pool(session('READY'))])).toBe(false);
  });
});

describe('endReasonWords', () => {
  it('explains end reasons and has a fallback', () => {
    expect(endReasonWords('IDLE_TIMEOUT')).toMatch(/without activity/);
    expect(endReasonWords(null)).toBe('The session is over.');
  });
});

describe('who disconnected, by name', () => {
  it('says who disconnected a waiting session when it was the help desk', () => {
    const v = poolView(pool(session('DISCONNECTED', { changedBy: { displayName: 'Helen Park' } })));
    expect(v.hint).toMatch(/^Disconnected by your IT help desk \(Helen Park\)\./);
  });
});

describe('endedWords', () => {
  it('explains an unreachable desktop with what happened and what to do for its kind of pool', () => {
    const s = session('ENDED', {
      endReason: 'DESKTOP_UNREACHABLE',
      consoleProblem: { failure: 'REFUSED', attempts: 3, attemptsBeforeEnd: 3, at: '2026-12-05T07:00:00Z' },
    });
    expect(endedWords(s)).toMatch(/refused the connection.*after 3 attempts.*Connect again to get another one/);
    expect(endedWords({ ...s, poolKind: 'PERSISTENT' })).toMatch(/needs their attention/);
  });

  it('names who logged the user off', () => {
    expect(endedWords(session('ENDED', { endReason: 'ADMIN_LOGOFF', changedBy: { displayName: 'Helen Park' } })))
      .toBe('You were logged off by your IT help desk (Helen Park). Connect again to start a new session.');
  });
});

describe('anyLive', () => {
  it('is true while a session lives, so the list refreshes every few seconds', () => {
    expect(anyLive([pool(session('DISCONNECTED'))])).toBe(true);
    expect(anyLive([pool(null), pool(session('ENDED'))])).toBe(false);
  });
});
