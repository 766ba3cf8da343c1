import type { ConsoleProblem, Session, SessionState } from '../api/types';
import { consoleFailureWords, helpDeskWords } from '../desktops/failureWords';

/** Guacamole status codes the portal reacts to (guacamole-common Status.Code). */
export const GuacStatus = {
  SUCCESS: 0x0000,
  UNSUPPORTED: 0x0100,
  SERVER_ERROR: 0x0200,
  SERVER_BUSY: 0x0201,
  UPSTREAM_TIMEOUT: 0x0202,
  UPSTREAM_ERROR: 0x0203,
  RESOURCE_NOT_FOUND: 0x0204,
  RESOURCE_CONFLICT: 0x0205,
  RESOURCE_CLOSED: 0x0206,
  UPSTREAM_NOT_FOUND: 0x0207,
  UPSTREAM_UNAVAILABLE: 0x0208,
  SESSION_CONFLICT: 0x0209,
  SESSION_TIMEOUT: 0x020a,
  SESSION_CLOSED: 0x020b,
  CLIENT_BAD_REQUEST: 0x0300,
  CLIENT_UNAUTHORIZED: 0x0301,
  CLIENT_FORBIDDEN: 0x0303,
  CLIENT_TIMEOUT: 0x0308,
  CLIENT_OVERRUN: 0x030d,
  CLIENT_BAD_TYPE: 0x030f,
  CLIENT_TOO_MANY: 0x031d,
} as const;

/**
 * Codes after which a new tunnel may well work: the network or a server hiccupped. The browser reports
 * a dropped connection (WebSocket 1006) as UPSTREAM_NOT_FOUND.
 */
const TRANSIENT = new Set<number>([
  GuacStatus.SERVER_ERROR,
  GuacStatus.SERVER_BUSY,
  GuacStatus.UPSTREAM_TIMEOUT,
  GuacStatus.UPSTREAM_ERROR,
  GuacStatus.UPSTREAM_NOT_FOUND,
  GuacStatus.UPSTREAM_UNAVAILABLE,
  GuacStatus.CLIENT_TIMEOUT,
]);

export function isTransient(code: number): boolean {
  return TRANSIENT.has(code);
}

/**
 * Codes after which a fresh one-time ticket is worth a try: the broker refuses a used or expired ticket
 * with CLIENT_UNAUTHORIZED (769). Whether the user is still signed in is decided by the broker's API
 * (401), not by the tunnel.
 */
const FRESH_TICKET = new Set<number>([GuacStatus.CLIENT_UNAUTHORIZED]);

/** What to do when the tunnel has closed. */
export type AfterClose =
  | { kind: 'reconnect' }
  | { kind: 'console'; problem: ConsoleProblem; why: string } // the desktop could not be reached: a short retry, saying why
  | { kind: 'ended' } // the session is over: back to My desktops, saying why
  | { kind: 'leave'; why: string }; // live but not worth retrying: back to My desktops with a note

/**
 * Decides after a tunnel close. `sessionState` is the session's state as the broker sees it now
 * (null when the broker could not be asked, e.g. the network is down); `session` adds what the broker
 * knows about why: the desktop could not be reached (`consoleProblem`), or an admin disconnected it
 * (`disconnectedBy` HELP_DESK, named by `changedBy`).
 */
export function decideAfterClose(
  code: number,
  sessionState: SessionState | null,
  userInitiated: boolean,
  session: Pick<Session, 'consoleProblem' | 'changedBy' | 'disconnectedBy'> | null = null,
): AfterClose {
  if (sessionState === 'ENDED') {
    return { kind: 'ended' };
  }
  if (userInitiated) {
    return { kind: 'leave', why: '' };
  }
  if (sessionState === 'DISCONNECTED' && (session?.changedBy || session?.disconnectedBy === 'HELP_DESK')) {
    // an admin's disconnect is not a blip to bridge, whatever the close looked like
    return {
      kind: 'leave',
      why: `Your desktop was disconnected by ${helpDeskWords(session.changedBy)}. It keeps running; reconnect when you are ready.`,
    };
  }
  if (sessionState !== null && session?.consoleProblem) {
    const p = session.consoleProblem;
    if (p.attempts >= p.attemptsBeforeEnd) {
      return { kind: 'leave', why: `${consoleFailureWords(p.failure)} Contact your IT help desk.` };
    }
    return { kind: 'console', problem: p, why: consoleFailureWords(p.failure) };
  }
  if (sessionState === null || isTransient(code) || FRESH_TICKET.has(code)) {
    return { kind: 'reconnect' };
  }
  if (code === GuacStatus.SESSION_CONFLICT) {
    return { kind: 'leave', why: 'Your desktop was opened in another window or on another device.' };
  }
  if (code === GuacStatus.SESSION_TIMEOUT) {
    return { kind: 'leave', why: 'Your desktop was disconnected after a time without activity. It keeps running; reconnect to continue.' };
  }
  if (code === GuacStatus.SUCCESS || code === GuacStatus.SESSION_CLOSED || code === GuacStatus.RESOURCE_CLOSED) {
    return { kind: 'leave', why: 'Your desktop was disconnected. It keeps running; reconnect when you are ready.' };
  }
  return { kind: 'leave', why: `The connection to your desktop was closed (status ${code}).` };
}

/** Wait before trying an unreachable desktop again: short, as the broker gives up after a few attempts. */
export function consoleRetryDelay(attempts: number): number {
  return 1000 * Math.max(1, Math.min(attempts, 5));
}

/** The portal's own limit on retries of an unreachable desktop, should the broker not end the session. */
export const CONSOLE_RETRY_LIMIT = 5;

export interface BackoffOptions {
  /** First delay. */
  baseMs: number;
  /** Largest delay. */
  maxMs: number;
  /** Up to this fraction is added or removed at random so many clients do not retry in step. */
  jitter: number;
  /** Give up after this many attempts in a row. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 15000, jitter: 0.2, maxAttempts: 8 };

/** Delay before reconnect attempt `attempt` (0-based): base·2^attempt capped at max, with jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
  const spread = exponential * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(options.maxMs, exponential + spread)));
}

/** Counts attempts of one outage; a connection that worked resets it. */
export class ReconnectSchedule {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** @returns the delay before the next attempt, or null when it is time to give up */
  next(): number | null {
    if (this.attempt >= this.options.maxAttempts) {
      return null;
    }
    return backoffDelay(this.attempt++, this.options, this.random);
  }

  /** The number of attempts made in this outage. */
  get attempts(): number {
    return this.attempt;
  }

  /** The connection is working again. */
  reset(): void {
    this.attempt = 0;
  }
}
