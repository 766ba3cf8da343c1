import type { DashboardSnapshot, PoolHealth } from './dashboardTypes';

/** Snapshots for the tests: an organisation with nothing yet, and one with a bit of everything. */

const HOURS = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2026, 11, 5, 10 + i)).toISOString());

export function emptySnapshot(overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    tenantId: 't-1',
    generatedAt: '2026-12-06T09:30:00Z',
    sections: ['SESSIONS', 'CONNECTS', 'POOLS', 'SESSION_HOSTS', 'HYPERVISOR_HOSTS', 'LICENCES', 'PROVISIONING'],
    sessions: {
      live: 0,
      byState: { PREPARING: 0, READY: 0, CONNECTED: 0, DISCONNECTED: 0 },
      byPool: [],
      lastDay: { measure: 'PEAK_CONCURRENT', hours: HOURS, until: '2026-12-06T09:30:00Z', total: Array(24).fill(0), pools: [] },
    },
    connects: { from: '2026-12-06T08:31:00Z', created: 0, reconnected: 0, refused: 0, refusals: [] },
    pools: [],
    sessionHosts: { hosts: 0, available: 0, registered: 0, unreachable: 0, draining: 0, heartbeatsLate: 0, sessions: 0, capacity: 0, busiest: [], attention: [] },
    hypervisorHosts: {
      scope: 'TENANT',
      hosts: 0,
      usable: 0,
      maintenance: 0,
      unreachable: 0,
      quarantined: 0,
      simulated: 0,
      cpus: 0,
      memoryMiB: 0,
      vcpus: 0,
      memoryAllocatedMiB: 0,
      desktops: 0,
      busiest: [],
    },
    licences: [],
    provisioning: { running: 0, waiting: 0, failedRecently: 0, failedWithinHours: 24, recentFailures: [] },
    ...overrides,
  };
}

export function pool(overrides: Partial<PoolHealth> & Pick<PoolHealth, 'poolId' | 'name'>): PoolHealth {
  return {
    kind: 'POOLED',
    enabled: true,
    desktops: 10,
    byState: { READY: 4, IN_USE: 6 },
    readyFree: 4,
    inUse: 6,
    preparing: 0,
    failed: 0,
    sessions: 6,
    target: null,
    hosts: null,
    ...overrides,
  };
}

/** An estate: a healthy pool, one with a failed desktop, a shared pool almost full, sessions, a refusal, seats. */
export function busySnapshot(overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  const total = Array(24).fill(0);
  total[20] = 5;
  total[23] = 7;
  const callCentre = Array(24).fill(0);
  callCentre[20] = 4;
  callCentre[23] = 6;
  return emptySnapshot({
    sessions: {
      live: 7,
      byState: { PREPARING: 1, READY: 0, CONNECTED: 5, DISCONNECTED: 1 },
      byPool: [{ poolId: 'p1', poolName: 'Call centre', live: 6, byState: { PREPARING: 1, READY: 0, CONNECTED: 4, DISCONNECTED: 1 } }],
      lastDay: {
        measure: 'PEAK_CONCURRENT',
        hours: HOURS,
        until: '2026-12-06T09:30:00Z',
        total,
        pools: [{ poolId: 'p1', poolName: 'Call centre', peaks: callCentre }],
      },
    },
    connects: {
      from: '2026-12-06T08:31:00Z',
      created: 18,
      reconnected: 1,
      refused: 1,
      refusals: [{ reason: 'POOL_EXHAUSTED', count: 1, pools: [{ poolId: 'p2', poolName: 'Engineers', count: 1 }] }],
    },
    pools: [
      pool({ poolId: 'p1', name: 'Call centre', target: { enabled: true, minSize: 5, maxSize: 20, spareTarget: 2 } }),
      pool({ poolId: 'p2', name: 'Engineers', failed: 1, readyFree: 0, inUse: 9, byState: { IN_USE: 9, FAILED: 1 } }),
      pool({ poolId: 'p3', name: 'Office apps', kind: 'SHARED', desktops: 0, byState: {}, readyFree: 0, inUse: 0, hosts: { hosts: 2, available: 2, sessions: 19, capacity: 20 } }),
    ],
    licences: [
      {
        productId: 'l1',
        name: 'Office suite',
        model: 'CONCURRENT_USER',
        seats: 10,
        capacity: 10,
        seatsInUse: 7,
        overuse: 0,
        licensed: true,
        enforcement: 'HARD',
        validUntil: null,
        inGrace: false,
      },
    ],
    ...overrides,
  });
}
