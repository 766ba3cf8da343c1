/** The hosts API's shapes (hosts.SessionHost, provisioning.HypervisorHost, shared.Bulk). */

export type SessionHostState = 'REGISTERED' | 'AVAILABLE' | 'UNREACHABLE' | 'POWERED_OFF' | 'REMOVED';
export const SESSION_HOST_STATES: readonly SessionHostState[] = ['REGISTERED', 'AVAILABLE', 'UNREACHABLE', 'POWERED_OFF', 'REMOVED'];

/** Powering a host off and waking it (hosts.SessionHost.Power). */
export interface SessionHostPower {
  /** The admin allows the broker to power it off (off-peak, drained and empty) and wake it by itself. */
  managed: boolean;
  /** Its agent has a power-off command. */
  canPowerOff: boolean;
  /** The card woken: wakeMac, else the agent's. */
  mac: string | null;
  agentMac: string | null;
  wakeMac: string | null;
  /** host[:port] of the magic packet; null: the local broadcast, port 9. */
  wakeAddress: string | null;
  action: 'POWER_OFF' | 'WAKE' | null;
  actionAt: string | null;
  attempts: number;
  /** Why the last power change did not happen. */
  detail: string | null;
}

export interface SessionHostAgent {
  enrolled: boolean;
  revokedAt: string | null;
  address: string | null;
  os: string | null;
  version: string | null;
  cpuCount: number | null;
  memoryMb: number | null;
  lastHeartbeatAt: string | null;
  cpuPercent: number | null;
  memoryUsedMb: number | null;
  reportedSessions: number | null;
  loggedOnUser: string | null;
}

export interface SessionHostDetail {
  id: string;
  tenantId: string;
  poolId: string;
  name: string;
  state: SessionHostState;
  draining: boolean;
  maxSessions: number;
  activeSessions: number;
  consoleHost: string | null;
  consolePort: number | null;
  hasConsolePassword: boolean;
  createdAt: string;
  stateChangedAt: string;
  /** null for a host registered by its console address. */
  agent: SessionHostAgent | null;
  power: SessionHostPower;
}

export interface AgentHostCreated {
  host: SessionHostDetail;
  enrolmentToken: string;
  expiresAt: string;
}

export interface EnrolmentTokenIssued {
  hostId: string;
  enrolmentToken: string;
  expiresAt: string;
}

export interface Capacity {
  cpus: number | null;
  memoryMiB: number | null;
  storageMiB: number | null;
}

export interface HypervisorHost {
  id: string;
  name: string;
  driverId: string;
  simulated: boolean;
  settings: Record<string, string>;
  capacity: Capacity;
  used: Capacity;
  desktops: number;
  maintenance: boolean;
  health: {
    usable: boolean;
    reachable: boolean;
    consecutiveFailures: number;
    quarantinedUntil: string | null;
    /** Platform admins only. */
    lastError: string | null;
    lastErrorAt: string | null;
  };
  source: string;
  inventoryAt: string | null;
  createdAt: string;
  /** The overcommit ratios placement uses there: the host's own (own*) or the global ones. */
  overcommit?: HypervisorOvercommit;
  /** What placement may allocate: capacity × the ratios. */
  allocatable?: Capacity;
  /** The real use of its storage at the last inventory (thin disks fill it as guests write). */
  storage?: HypervisorStorage;
}

export interface HypervisorOvercommit {
  cpu: number;
  memory: number;
  storage: number;
  ownCpu: boolean;
  ownMemory: boolean;
  ownStorage: boolean;
}

export interface HypervisorStorage {
  totalMiB: number | null;
  usedMiB: number | null;
  availableMiB: number | null;
  usedRatio: number | null;
  alertThreshold: number;
  nearlyFull: boolean;
  nearlyFullSince: string | null;
}

export interface BulkItemResult {
  id: string;
  status: number;
  reason: string | null;
  detail: string | null;
}

export interface BulkResult {
  succeeded: number;
  failed: number;
  results: BulkItemResult[];
}

/** A move off a host in maintenance (a MIGRATE task), under way or among the last ones. */
export interface DrainMove {
  desktopId: string;
  desktopName: string | null;
  tenantId: string;
  targetHostId: string | null;
  targetHostName: string | null;
  state: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  attempts: number;
  errorReason: string | null;
  errorDetail: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type DrainBlockedReason =
  | 'NO_TARGET_HOST'
  | 'NO_HOST_WITH_ROOM'
  | 'ANTI_AFFINITY'
  | 'MIGRATION_FAILED'
  | 'NOT_SUPPORTED'
  | 'NO_SETTINGS'
  | 'DESKTOP_FAILED';

/** A desktop a drain cannot move now, and why. */
export interface DrainBlocked {
  desktopId: string;
  desktopName: string | null;
  tenantId: string;
  poolId: string;
  reason: DrainBlockedReason;
  detail: string;
  since: string;
  lastSeenAt: string;
}

/** GET /api/v1/admin/hypervisor-hosts/{id}/drain (platform admins). */
export interface HostDrain {
  hostId: string;
  hostName: string;
  maintenance: boolean;
  desktopsOnHost: number;
  moving: number;
  waiting: number;
  moves: DrainMove[];
  blocked: DrainBlocked[];
}
