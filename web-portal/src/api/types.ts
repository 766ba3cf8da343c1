/** The broker's API shapes the portal uses (see the broker's OpenAPI document at /v3/api-docs). */

export type SessionState = 'PREPARING' | 'READY' | 'CONNECTED' | 'DISCONNECTED' | 'ENDED';

export type PoolKind = 'PERSISTENT' | 'POOLED' | 'SHARED';

export type EndReason =
  | 'LOGOFF'
  | 'ADMIN_LOGOFF'
  | 'DISCONNECT_TIMEOUT'
  | 'IDLE_TIMEOUT'
  | 'MAX_SESSION_LENGTH'
  | 'PROVISIONING_FAILED'
  | 'HOST_LOST'
  | 'RESOURCE_REMOVED'
  | 'SESSION_EXITED'
  | 'DESKTOP_UNREACHABLE';

/** How the broker's gateway failed to reach a desktop's console. */
export type ConsoleFailure = 'REFUSED' | 'UNREACHABLE' | 'TIMEOUT' | 'AUTHENTICATION_FAILED' | 'ERROR';

/** Why the last attempts to reach the desktop failed (cleared once the desktop draws). */
export interface ConsoleProblem {
  failure: ConsoleFailure;
  /** Failed attempts in a row. */
  attempts: number;
  /** After this many the broker ends the session as DESKTOP_UNREACHABLE. */
  attemptsBeforeEnd: number;
  at: string;
}

export interface Session {
  id: string;
  poolId: string;
  poolName: string;
  poolKind: PoolKind;
  username: string;
  state: SessionState;
  endReason: EndReason | null;
  machineName: string | null;
  createdAt: string;
  stateChangedAt: string;
  connectedAt: string | null;
  /** Provisioning progress 0–100 while PREPARING, when the broker knows it. */
  progress?: number | null;
  /** Who disconnected a DISCONNECTED session; null when its connection was lost or closed unasked. */
  disconnectedBy?: DisconnectedBy | null;
  /** Why the desktop could not be reached, while that is so. */
  consoleProblem?: ConsoleProblem | null;
  /** The admin or help-desk agent whose disconnect or log off made the session's last change. */
  changedBy?: { displayName: string } | null;
  /** Which way clipboard text may cross (the pool's policy, enforced by the broker's tunnel). */
  clipboardPolicy?: 'BOTH' | 'TO_DESKTOP' | 'FROM_DESKTOP' | 'NONE';
}

export type DisconnectedBy = 'USER' | 'HELP_DESK' | 'TIMEOUT';

export interface MyPool {
  id: string;
  name: string;
  description: string | null;
  kind: PoolKind;
  enabled: boolean;
  session: Session | null;
  /** Whether a connect would find room now (a hint; the connect decides). */
  availability?: PoolAvailability;
}

/** AVAILABLE: a desktop or seat is free; ALL_IN_USE: none free now; NO_DESKTOPS: none in service at all. */
export type PoolAvailability = 'AVAILABLE' | 'ALL_IN_USE' | 'NO_DESKTOPS';

export interface ConnectResponse {
  session: Session;
  state: SessionState;
  reconnected: boolean;
}

/** An application published on a SHARED pool the user is entitled to: launched, it opens alone in the browser. */
export interface MyApplication {
  id: string;
  name: string;
  /** A PNG or SVG data URL, or null. */
  icon: string | null;
  poolId: string;
  poolName: string;
}

/** The answer to an application's launch: the session it runs in (a new one, or the user's live one in the pool). */
export interface LaunchResponse extends ConnectResponse {
  applicationId: string;
}

/** A one-time permission to open the WebSocket tunnel of a session (valid for at most 60 s). */
export interface TunnelGrant {
  token: string;
  expiresAt: string;
  path: string;
}

export interface Me {
  userId: string;
  tenantId: string;
  username: string;
  roles: string[];
  /** The fewest characters a new local password needs (the broker's policy). */
  passwordMinLength?: number;
}

/** An RFC 9457 problem body with the broker's stable reason and the figures behind it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  reason?: string;
  [figure: string]: unknown;
}

/** A saved state of a persistent desktop (provisioning.DesktopSnapshots.Snapshot). */
export interface DesktopSnapshot {
  id: string;
  desktopId: string;
  kind: 'SCHEDULED' | 'ON_DEMAND';
  state: 'CREATING' | 'READY' | 'RESTORING' | 'DELETING' | 'FAILED';
  scheduledFor: string | null;
  requestedBy: string;
  label: string | null;
  /** Known once taken. */
  sizeMiB: number | null;
  withMemory: boolean;
  error: string | null;
  createdAt: string;
  takenAt: string | null;
}

/** A desktop's snapshots with the storage they hold against the pool's quota. */
export interface DesktopSnapshots {
  desktopId: string;
  usedMiB: number;
  quotaMiB: number | null;
  snapshots: DesktopSnapshot[];
}
