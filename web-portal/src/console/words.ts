import type { SessionState } from '../api/types';
import { desktopStateWords } from '../problems/problemMessages';

export const SESSION_STATES: ReadonlyArray<{ value: SessionState; label: string }> = [
  { value: 'PREPARING', label: 'Preparing' },
  { value: 'READY', label: 'Ready (not yet connected)' },
  { value: 'CONNECTED', label: 'Connected' },
  { value: 'DISCONNECTED', label: 'Disconnected' },
  { value: 'ENDED', label: 'Ended' },
];

export function sessionStateWords(state: string): string {
  return SESSION_STATES.find((s) => s.value === state)?.label ?? state;
}

/** A desktop state with its first letter up: "In use". */
export function desktopStateLabel(state: string): string {
  const w = desktopStateWords(state);
  return w === 'not available' ? state : w.charAt(0).toUpperCase() + w.slice(1);
}

export const KIND_WORDS: Record<string, string> = {
  PERSISTENT: 'Persistent (one desktop per user)',
  POOLED: 'Pooled (any free desktop)',
  SHARED: 'Shared (session hosts)',
};

export const ROLE_WORDS: Record<string, string> = {
  USER: 'User',
  HELPDESK: 'Help desk',
  TENANT_ADMIN: 'Tenant admin',
  PLATFORM_ADMIN: 'Platform admin',
};

/** 3600 → "1 h", null → "never". */
export function durationWords(seconds: number | null | undefined, none = 'never'): string {
  if (!seconds) {
    return none;
  }
  if (seconds % 86400 === 0) {
    return `${seconds / 86400} d`;
  }
  if (seconds % 3600 === 0) {
    return `${seconds / 3600} h`;
  }
  if (seconds % 60 === 0) {
    return `${seconds / 60} min`;
  }
  return `${seconds} s`;
}

/** What the reconciler's plan notes mean (PlanNote.Code). */
export const PLAN_NOTE_WORDS: Record<string, string> = {
  POOL_AT_MAX: 'The pool is at its maximum size.',
  POOL_OPERATION_LIMIT: 'The pool’s limit of operations at once is reached.',
  HOST_OPERATION_LIMIT: 'A host’s limit of operations at once is reached.',
  NO_HOST_CAPACITY: 'No healthy host outside maintenance has room for another desktop.',
  HOST_UNAVAILABLE: 'A desktop’s host is unreachable or quarantined.',
  FAILED_DESKTOP_NEEDS_ADMIN: 'A persistent desktop failed; it holds a user’s data, so an admin decides what to do.',
  SHARED_POOL_SKIPPED: 'Shared pools are served by session hosts; the desktop planner leaves them alone.',
  TENANT_QUOTA: 'The organisation has its maximum of desktops: the pool does not grow.',
  LICENCE_EXHAUSTED: 'A per-desktop licence the pool consumes has no seat left: the pool does not grow.',
  SPARE_FORECAST: 'The pool’s demand model set its spare target (the numbers say why).',
  SPARES_POWERED_OFF: 'Ready spares beyond the forecast are being powered off until the next peak.',
};
