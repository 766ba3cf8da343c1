import { backoffDelay, consoleRetryDelay, decideAfterClose, GuacStatus, isTransient, ReconnectSchedule } from './reconnect';

describe('decideAfterClose', () => {
  it('reconnects after a network blip while the session lives', () => {
    expect(decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'DISCONNECTED', false)).toEqual({ kind: 'reconnect' });
    expect(decideAfterClose(GuacStatus.UPSTREAM_TIMEOUT, 'CONNECTED', false)).toEqual({ kind: 'reconnect' });
  });

  it('reconnects when a stopping broker handed the tunnel over (SERVER_BUSY, the session left DISCONNECTED by nobody)', () => {
    const session = { consoleProblem: null, changedBy: null, disconnectedBy: null };
    expect(decideAfterClose(GuacStatus.SERVER_BUSY, 'DISCONNECTED', false, session)).toEqual({ kind: 'reconnect' });
  });

  it('reconnects when the broker cannot even be asked (the network is down)', () => {
    expect(decideAfterClose(GuacStatus.SESSION_CLOSED, null, false)).toEqual({ kind: 'reconnect' });
  });

  it('returns to the list when the session has ended, whatever the status', () => {
    expect(decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'ENDED', false)).toEqual({ kind: 'ended' });
    expect(decideAfterClose(GuacStatus.SUCCESS, 'ENDED', true)).toEqual({ kind: 'ended' });
  });

  it('does not reconnect when the user disconnected', () => {
    expect(decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'DISCONNECTED', true).kind).toBe('leave');
  });

  it('leaves with a note when another device took the session over', () => {
    const d = decideAfterClose(GuacStatus.SESSION_CONFLICT, 'CONNECTED', false);
    expect(d.kind).toBe('leave');
    expect(d.kind === 'leave' && d.why).toMatch(/another window or on another device/);
  });

  it('leaves when the server closed the tunnel normally (e.g. an admin disconnected it)', () => {
    expect(decideAfterClose(GuacStatus.SUCCESS, 'DISCONNECTED', false).kind).toBe('leave');
  });

  it('tries a fresh ticket when the broker refused a used or expired one (769)', () => {
    expect(decideAfterClose(GuacStatus.CLIENT_UNAUTHORIZED, 'DISCONNECTED', false)).toEqual({ kind: 'reconnect' });
  });

  it('leaves with a note when the broker timed the connection out (522)', () => {
    const d = decideAfterClose(GuacStatus.SESSION_TIMEOUT, 'DISCONNECTED', false);
    expect(d.kind === 'leave' && d.why).toMatch(/without activity/);
  });

  it('counts only network and server hiccups as transient', () => {
    expect(isTransient(GuacStatus.UPSTREAM_UNAVAILABLE)).toBe(true);
    expect(isTransient(GuacStatus.CLIENT_FORBIDDEN)).toBe(false);
    expect(isTransient(GuacStatus.SESSION_CLOSED)).toBe(false);
  });
});

describe('backoffDelay', () => {
  const noJitter = { baseMs: 1000, maxMs: 15000, jitter: 0, maxAttempts: 8 };

  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, noJitter))).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });

  it('spreads delays by the jitter fraction, never above the cap', () => {
    const opts = { ...noJitter, jitter: 0.2 };
    expect(backoffDelay(1, opts, () => 0)).toBe(1600);
    expect(backoffDelay(1, opts, () => 1)).toBe(2400);
    expect(backoffDelay(10, opts, () => 1)).toBe(15000);
  });
});

describe('ReconnectSchedule', () => {
  it('gives up after the maximum attempts and starts over after a success', () => {
    const s = new ReconnectSchedule({ baseMs: 100, maxMs: 1000, jitter: 0, maxAttempts: 3 });
    expect([s.next(), s.next(), s.next(), s.next()]).toEqual([100, 200, 400, null]);
    expect(s.attempts).toBe(3);
    s.reset();
    expect(s.next()).toBe(100);
  });
});

describe('who disconnected', () => {
  it('names the help desk when an admin or help-desk agent disconnected the session', () => {
    const d = decideAfterClose(GuacStatus.SESSION_CLOSED, 'DISCONNECTED', false, { consoleProblem: null, changedBy: null, disconnectedBy: 'HELP_DESK' });
    expect(d).toEqual({ kind: 'leave', why: expect.stringContaining('disconnected by your IT help desk') });
  });

  it('says only "disconnected" otherwise', () => {
    const d = decideAfterClose(GuacStatus.SESSION_CLOSED, 'DISCONNECTED', false, { consoleProblem: null, changedBy: null, disconnectedBy: 'USER' });
    expect(d.kind).toBe('leave');
    expect(d.kind === 'leave' && d.why).not.toContain('help desk');
  });
});

describe('decideAfterClose with what the broker knows', () => {
  const refused = { failure: 'REFUSED' as const, attempts: 1, attemptsBeforeEnd: 3, at: '2026-12-05T07:00:00Z' };

  it('retries an unreachable desktop shortly, saying why, while the broker has not given up', () => {
    const d = decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'DISCONNECTED', false, { consoleProblem: refused, changedBy: null });
    expect(d.kind).toBe('console');
    expect(d.kind === 'console' && d.why).toMatch(/refused the connection/);
  });

  it('stops when the failures reached the broker’s limit even if the session still lives', () => {
    const d = decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'DISCONNECTED', false, {
      consoleProblem: { ...refused, attempts: 3 },
      changedBy: null,
    });
    expect(d.kind).toBe('leave');
    expect(d.kind === 'leave' && d.why).toMatch(/refused the connection.*IT help desk/);
  });

  it('treats a password the desktop rejected as a console problem, not as a used ticket', () => {
    const d = decideAfterClose(GuacStatus.CLIENT_UNAUTHORIZED, 'DISCONNECTED', false, {
      consoleProblem: { ...refused, failure: 'AUTHENTICATION_FAILED', attemptsBeforeEnd: 2 },
      changedBy: null,
    });
    expect(d.kind === 'console' && d.why).toMatch(/did not accept the connection/);
  });

  it('ends, whatever the console said, when the broker ended the session', () => {
    expect(decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'ENDED', false, { consoleProblem: refused, changedBy: null }))
      .toEqual({ kind: 'ended' });
  });

  it('names the help desk when an admin disconnected the session, and does not reconnect', () => {
    const d = decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'DISCONNECTED', false, {
      consoleProblem: null,
      changedBy: { displayName: 'Helen Park' },
    });
    expect(d).toEqual({
      kind: 'leave',
      why: 'Your desktop was disconnected by your IT help desk (Helen Park). It keeps running; reconnect when you are ready.',
    });
  });

  it('still bridges a blip when nobody else acted on the session', () => {
    expect(decideAfterClose(GuacStatus.UPSTREAM_NOT_FOUND, 'DISCONNECTED', false, { consoleProblem: null, changedBy: null }))
      .toEqual({ kind: 'reconnect' });
  });
});

describe('consoleRetryDelay', () => {
  it('waits a second per failed attempt, at most five', () => {
    expect([0, 1, 2, 9].map(consoleRetryDelay)).toEqual([1000, 1000, 2000, 5000]);
  });
});
