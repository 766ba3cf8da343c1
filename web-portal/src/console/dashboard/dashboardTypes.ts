/**
 * The dashboard as the broker answers it: GET /api/v1/admin/dashboard, and the `snapshot` events of
 * GET /api/v1/admin/dashboard/stream (io.deskport.broker.dashboard.DashboardSnapshot).
 */

export type DashboardSection =
  | 'SESSIONS'
  | 'CONNECTS'
  | 'POOLS'
  | 'SESSION_HOSTS'
  | 'HYPERVISOR_HOSTS'
  | 'LICENCES'
  | 'PROVISIONING';

export type LiveSessionState = 'PREPARING' | 'READY' | 'CONNECTED' | 'DISCONNECTED';

export interface PoolSessions {
  poolId: string;
  poolName: string | null;
  live: number;
  byState: Record<LiveSessionState, number>;
}

export interface PoolSeries {
  poolId: string;
  poolName: string | null;
  peaks: number[];
}

/** The last 24 hours: the peak of concurrent sessions in each hour (PEAK_CONCURRENT). */
export interface Timeline {
  measure: string;
  /** Each hour's start (UTC instants); the last hour runs up to `until`. */
  hours: string[];
  until: string;
  /** The tenant's own peak per hour (not the sum of the pools' peaks). */
  total: number[];
  pools: PoolSeries[];
}

export interface Sessions {
  live: number;
  byState: Record<LiveSessionState, number>;
  byPool: PoolSessions[];
  lastDay: Timeline;
}

export interface PoolCount {
  poolId: string;
  poolName: string | null;
  count: number;
}

export interface Refusal {
  reason: string;
  count: number;
  pools: PoolCount[];
}

/** Connects of the current minute and the 59 before it. */
export interface Connects {
  from: string;
  created: number;
  reconnected: number;
  refused: number;
  refusals: Refusal[];
}

export interface PoolTarget {
  enabled: boolean;
  minSize: number;
  maxSize: number;
  spareTarget: number;
}

export interface PoolHosts {
  hosts: number;
  available: number;
  sessions: number;
  capacity: number;
}

export interface PoolHealth {
  poolId: string;
  name: string;
  kind: 'PERSISTENT' | 'POOLED' | 'SHARED';
  enabled: boolean;
  desktops: number;
  byState: Record<string, number>;
  readyFree: number;
  inUse: number;
  preparing: number;
  failed: number;
  sessions: number;
  /** Null when provisioning does not manage the pool's desktops. */
  target: PoolTarget | null;
  /** SHARED pools only. */
  hosts: PoolHosts | null;
}

export interface SessionHostLoad {
  id: string;
  name: string;
  poolId: string;
  poolName: string | null;
  state: 'REGISTERED' | 'AVAILABLE' | 'UNREACHABLE';
  draining: boolean;
  sessions: number;
  maxSessions: number;
  agentManaged: boolean;
  lastHeartbeatAt: string | null;
  cpuPercent: number | null;
}

export interface SessionHosts {
  hosts: number;
  available: number;
  registered: number;
  unreachable: number;
  /** Powered off by the broker (woken when the forecast needs them); absent from brokers before it. */
  poweredOff?: number;
  draining: number;
  heartbeatsLate: number;
  sessions: number;
  capacity: number;
  busiest: SessionHostLoad[];
  attention: SessionHostLoad[];
}

export interface HypervisorHostLoad {
  id: string;
  name: string;
  simulated: boolean;
  usable: boolean;
  maintenance: boolean;
  reachable: boolean;
  quarantined: boolean;
  cpus: number;
  memoryMiB: number;
  vcpus: number;
  memoryAllocatedMiB: number;
  desktops: number;
}

export interface HypervisorHosts {
  /** TENANT: the tenant's own allocation; PLATFORM: every tenant's (platform admins). */
  scope: 'TENANT' | 'PLATFORM';
  hosts: number;
  usable: number;
  maintenance: number;
  unreachable: number;
  quarantined: number;
  simulated: number;
  cpus: number;
  memoryMiB: number;
  vcpus: number;
  memoryAllocatedMiB: number;
  desktops: number;
  busiest: HypervisorHostLoad[];
}

export interface LicenceSeats {
  productId: string;
  name: string;
  model: string;
  seats: number;
  capacity: number;
  seatsInUse: number;
  overuse: number;
  licensed: boolean;
  enforcement: 'HARD' | 'SOFT' | null;
  validUntil: string | null;
  inGrace: boolean;
}

export interface FailedTask {
  taskId: string;
  poolId: string | null;
  poolName: string | null;
  desktopId: string;
  type: string;
  errorReason: string | null;
  errorDetail: string | null;
  finishedAt: string | null;
}

export interface Provisioning {
  running: number;
  waiting: number;
  failedRecently: number;
  failedWithinHours: number;
  recentFailures: FailedTask[];
}

export interface DashboardSnapshot {
  tenantId: string;
  generatedAt: string;
  sections: DashboardSection[];
  sessions: Sessions | null;
  connects: Connects | null;
  pools: PoolHealth[] | null;
  sessionHosts: SessionHosts | null;
  hypervisorHosts: HypervisorHosts | null;
  licences: LicenceSeats[] | null;
  provisioning: Provisioning | null;
}
