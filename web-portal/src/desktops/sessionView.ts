import type { MyPool, Session } from '../api/types';
import { helpDeskWords } from './failureWords';

/** What the "My desktops" list shows for one pool: a badge and the actions that make sense now. */
export type DesktopAction = 'connect' | 'open' | 'reconnect' | 'disconnect' | 'logoff';

export type BadgeColor = 'green' | 'blue' | 'orange' | 'grey' | 'purple' | 'red';

export interface PoolView {
  badge: { label: string; color: BadgeColor };
  /** One sentence under the name: what the state means for the user. */
  hint: string;
  /** The main button, if any. */
  primary: DesktopAction | null;
  /** Further actions (menu or secondary buttons). */
  secondary: DesktopAction[];
  /** True while the session is being prepared: the list keeps refreshing. */
  preparing: boolean;
  /** Provisioning progress 0–100, when known. */
  progress: number | null;
}

export const ACTION_LABELS: Record<DesktopAction, string> = {
  connect: 'Connect',
  open: 'Open',
  reconnect: 'Reconnect',
  disconnect: 'Disconnect',
  logoff: 'Log off',
};

/** The view of a pool from its state and the user's live session in it (ENDED sessions count as none). */
export function poolView(pool: MyPool): PoolView {
  const s: Session | null = pool.session && pool.session.state !== 'ENDED' ? pool.session : null;
  if (!s) {
    if (pool.enabled && pool.availability === 'NO_DESKTOPS') {
      return {
        badge: { label: 'No desktops', color: 'grey' },
        hint:
          pool.kind === 'SHARED'
            ? 'No server of this pool can take sessions right now. Your IT administrator can tell you when it will.'
            : 'No desktop of this pool is in service right now. Your IT administrator can tell you when one will be.',
        // a connect is refused, but says why with the figures (and counts as demand for the admins)
        primary: 'connect',
        secondary: [],
        preparing: false,
        progress: null,
      };
    }
    if (pool.enabled && pool.availability === 'ALL_IN_USE') {
      return {
        badge: { label: 'All in use', color: 'orange' },
        hint: 'Every desktop of this pool is in use right now; try again in a few minutes.',
        primary: 'connect',
        secondary: [],
        preparing: false,
        progress: null,
      };
    }
    return pool.enabled
      ? {
          badge: { label: 'Available', color: 'green' },
          hint: 'Connect to start a desktop session.',
          primary: 'connect',
          secondary: [],
          preparing: false,
          progress: null,
        }
      : {
          badge: { label: 'Unavailable', color: 'grey' },
          hint: 'Switched off by your IT administrator.',
          primary: null,
          secondary: [],
          preparing: false,
          progress: null,
        };
  }
  switch (s.state) {
    case 'PREPARING':
      return {
        badge: { label: 'Preparing', color: 'blue' },
        hint: 'Your desktop is starting; it opens when it is ready.',
        primary: null,
        secondary: ['logoff'],
        preparing: true,
        progress: typeof s.progress === 'number' ? Math.max(0, Math.min(100, s.progress)) : null,
      };
    case 'READY':
      return {
        badge: { label: 'Ready', color: 'green' },
        hint: 'Your desktop is ready to open.',
        primary: 'open',
        secondary: ['logoff'],
        preparing: false,
        progress: null,
      };
    case 'CONNECTED':
      return {
        badge: { label: 'Running · connected', color: 'purple' },
        hint: 'Open in another window or device. Opening it here takes it over.',
        primary: 'open',
        secondary: ['disconnect', 'logoff'],
        preparing: false,
        progress: null,
      };
    case 'DISCONNECTED':
      return {
        badge: { label: 'Disconnected · waiting', color: 'orange' },
        hint:
          s.disconnectedBy === 'HELP_DESK' || s.changedBy
            ? `Disconnected by ${helpDeskWords(s.changedBy)}. Your session keeps running; reconnect to continue where you left off.`
            : 'Your session keeps running; reconnect to continue where you left off.',
        primary: 'reconnect',
        secondary: ['logoff'],
        preparing: false,
        progress: null,
      };
    default:
      return {
        badge: { label: 'Ended', color: 'grey' },
        hint: '',
        primary: pool.enabled ? 'connect' : null,
        secondary: [],
        preparing: false,
        progress: null,
      };
  }
}

/** True while any pool is preparing a session, so the list should poll. */
export function anyPreparing(pools: MyPool[]): boolean {
  return pools.some((p) => poolView(p).preparing);
}

/** True while the user has a live session in any pool: someone else (help desk) may change it. */
export function anyLive(pools: MyPool[]): boolean {
  return pools.some((p) => p.session !== null && p.session.state !== 'ENDED');
}

export { endReasonWords } from './failureWords';
