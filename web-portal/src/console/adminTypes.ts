/** The admin API's shapes the console reads (see the broker's OpenAPI document at /v3/api-docs). */
import type { PoolKind, SessionState, EndReason } from '../api/types';

export type Role = 'PLATFORM_ADMIN' | 'TENANT_ADMIN' | 'HELPDESK' | 'USER';
export const ROLES: readonly Role[] = ['USER', 'HELPDESK', 'TENANT_ADMIN', 'PLATFORM_ADMIN'];

export type DesktopState =
  | 'PROVISIONING'
  | 'STOPPED'
  | 'STARTING'
  | 'READY'
  | 'IN_USE'
  | 'REFRESHING'
  | 'MAINTENANCE'
  | 'FAILED'
  | 'STOPPING'
  | 'DELETING';
export const DESKTOP_STATES: readonly DesktopState[] = [
  'PROVISIONING',
  'STOPPED',
  'STARTING',
  'READY',
  'IN_USE',
  'REFRESHING',
  'MAINTENANCE',
  'FAILED',
  'STOPPING',
  'DELETING',
];

export interface AdminPool {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  kind: PoolKind;
  enabled: boolean;
  loadBalancing: string | null;
  idleTimeoutSeconds: number | null;
  idleAction: string | null;
  disconnectTimeoutSeconds: number | null;
  maxSessionSeconds: number | null;
  recordSessions: boolean;
  /** Whether the pool's users are told while IT views their screen (absent from brokers before it: true). */
  announceShadowing?: boolean;
  prepareTimeoutSeconds: number | null;
  /** Which way clipboard text may cross between the browser and the desktop. */
  clipboardPolicy?: 'BOTH' | 'TO_DESKTOP' | 'FROM_DESKTOP' | 'NONE';
  createdAt: string;
  updatedAt: string;
}

/** What disabling and removing a pool would do now (GET /api/v1/admin/pools/{id}/impact). */
export interface PoolImpact {
  poolId: string;
  poolName: string;
  kind: PoolKind;
  enabled: boolean;
  whenDisabled: {
    liveSessionsGoOn: number;
    usersWithLiveSessions: number;
    entitledUsers: number;
    desktopsKept: number;
    provisioningGoesOn: boolean;
    spareDesktopsKeptStarted: number;
  };
  whenDeleted: {
    sessionsEnded: number;
    connectedSessionsEnded: number;
    disconnectedSessionsEnded: number;
    startingSessionsEnded: number;
    usersAffected: number;
    sessionHistoryRemoved: number;
    desktopsRemoved: number;
    machinesDeleted: number;
    registeredDesktopsForgotten: number;
    assignedDesktopsRemoved: number;
    sessionHostsRemoved: number;
    userEntitlementsRemoved: number;
    groupEntitlementsRemoved: number;
    entitledUsersLosingAccess: number;
    desktopSeatsFreed: number;
    concurrentSeatsFreed: number;
    licenceProducts: string[];
    imageVersionsRemoved: number;
  };
}

/** An image version as the organisation's catalogue lists it (GET /api/v1/admin/images). */
export interface ImageVersion {
  id: string;
  poolId: string;
  label: string;
  goldenDiskPath: string;
  publishedBy: string | null;
  publishedAt: string;
}

export interface AdminDesktop {
  id: string;
  poolId: string;
  name: string;
  state: DesktopState;
  assignedUserId: string | null;
  /** The assigned user's names, listed with the desktop (null when nobody is assigned). */
  assignedUsername?: string | null;
  assignedUserDisplayName?: string | null;
  consoleHost: string | null;
  consolePort: number | null;
  hasConsolePassword: boolean;
  managed: boolean;
  failureReason: string | null;
  createdAt: string;
  stateChangedAt: string;
}

export interface Entitlement {
  id: string;
  poolId: string;
  userId: string | null;
  groupId: string | null;
  createdAt: string;
  /** The names of whom it entitles, listed with it. */
  username?: string | null;
  userDisplayName?: string | null;
  groupName?: string | null;
}

export interface PlanNote {
  poolId: string;
  code: string;
  count: number;
  detail: string | null;
}

export interface PublishedImage {
  id: string;
  label: string;
  publishedBy: string | null;
  publishedAt: string;
}

export interface PoolProvisioning {
  poolId: string;
  poolKind: string;
  enabled: boolean;
  minSize: number;
  maxSize: number;
  spareTarget: number;
  hardware: { vcpus: number; memoryMiB: number; diskMiB: number; video: string } | null;
  stopAfterDisconnectedSeconds: number | null;
  /** Its desktops never share a hypervisor host when one is drained for maintenance. */
  antiAffinity?: boolean;
  currentImage: PublishedImage | null;
  previousImage: PublishedImage | null;
  rolledBack: boolean;
  simulated: boolean;
  desktops: number;
  desktopsByState: Partial<Record<DesktopState, number>>;
  desktopsOnTargetImage: number;
  recentRefusals: number;
  lastExhaustedAt: string | null;
  notes: PlanNote[];
}

export interface AdminSession {
  id: string;
  poolId: string;
  poolName: string;
  poolKind: PoolKind;
  userId: string;
  username: string;
  state: SessionState;
  endReason: EndReason | null;
  desktopId: string | null;
  sessionHostId: string | null;
  machineName: string | null;
  createdAt: string;
  stateChangedAt: string;
  connectedAt: string | null;
  lastActivityAt: string | null;
  endedAt: string | null;
  disconnectedBy: string | null;
  changedBy: { displayName: string } | null;
}

/** `POST /api/v1/admin/sessions/{id}/shadow`: a one-time ticket to watch the session's screen, view only. */
export interface ShadowTicket {
  token: string;
  expiresAt: string;
  /** Where to open the shadow's WebSocket, e.g. `/tunnel/shadow`. */
  path: string;
  /** Whether the session's user is told while the shadow is open. */
  announced: boolean;
}

/** One recording of a session (one attachment of its user's browser), `GET …/sessions/{id}/recordings`. */
export interface SessionRecordingFile {
  name: string;
  bytes: number;
  modifiedAt: string;
}

export interface SessionHost {
  id: string;
  poolId: string;
  name: string;
  state: string;
  draining: boolean;
  maxSessions: number;
  activeSessions: number;
}

export interface AdminUser {
  id: string;
  tenantId: string;
  username: string;
  displayName: string | null;
  email: string | null;
  roles: Role[];
  enabled: boolean;
  createdAt: string;
}

export interface AdminGroup {
  id: string;
  name: string;
  description: string | null;
  memberIds: string[];
  createdAt: string;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  maxConcurrentSessions: number;
  maxDesktops: number;
  activeSessions: number;
  desktopCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  id: number;
  tenantId: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  details: Record<string, unknown> | null;
}
