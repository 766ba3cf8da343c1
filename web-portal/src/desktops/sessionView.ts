import type { MyPool, Session } from '../api/types';

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
        badge: { label: 'Not set up', color: 'grey' },
        hint: 'This pool has no desktops yet; your IT administrator is setting it up.',
        primary: null,
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
          s.disconnectedBy === 'HELP_DESK'
            ? 'Your IT help desk disconnected you; your session keeps running. Reconnect to continue where you left off.'
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

const END_REASON_WORDS: Record<string, string> = {
  LOGOFF: 'You logged off.',
  ADMIN_LOGOFF: 'Your IT administrator logged you off.',
  DISCONNECT_TIMEOUT: 'It was logged off after being disconnected too long.',
  IDLE_TIMEOUT: 'It was ended after a long time without activity.',
  MAX_SESSION_LENGTH: 'It reached the longest time a session may run.',
  PROVISIONING_FAILED: 'The desktop could not be prepared. Try again or contact IT.',
  HOST_LOST: 'The server running it stopped responding. Connect again to get a new session.',
  RESOURCE_REMOVED: 'Its desktop was removed by your IT administrator.',
};

/** Words for why a session ended. */
export function endReasonWords(reason: string | null | undefined): string {
  return (reason && END_REASON_WORDS[reason]) ?? 'The session is over.';
}
