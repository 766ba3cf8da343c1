import { busySnapshot, emptySnapshot, pool } from './dashboardFixture';
import {
  ageWords,
  connectsView,
  emptyHints,
  headline,
  hypervisorHostsView,
  memoryWords,
  percent,
  poolHealthList,
  poolHealthView,
  provisioningView,
  seatView,
  sessionHostView,
  sessionHostsView,
  timelineView,
} from './dashboardLogic';

describe('pool health', () => {
  it('says what is wrong first, with the figures and the target behind it, and links to the pool', () => {
    const v = poolHealthView(pool({ poolId: 'p1', name: 'Call centre', failed: 2, desktops: 12, target: { enabled: true, minSize: 5, maxSize: 20, spareTarget: 2 } }));
    expect(v).toMatchObject({ tone: 'red', status: '2 failed desktops', href: '/console/pools/p1' });
    expect(v.figures).toBe('4 ready · 6 in use · 2 failed');
    expect(v.target).toBe('target: 5–20 desktops, 2 spares');
  });

  it('holds a pool against its minimum and its spares, and tells catching up from falling short', () => {
    const target = { enabled: true, minSize: 12, maxSize: 20, spareTarget: 6 };
    expect(poolHealthView(pool({ poolId: 'p', name: 'P', target })).status).toBe('Below its minimum (10 of 12)');
    expect(poolHealthView(pool({ poolId: 'p', name: 'P', target, preparing: 2 })).status).toBe('Growing to its minimum (10 of 12)');
    const enough = { ...target, minSize: 5 };
    expect(poolHealthView(pool({ poolId: 'p', name: 'P', target: enough })).status).toBe('Fewer spares than wanted (4 of 6)');
    expect(poolHealthView(pool({ poolId: 'p', name: 'P', target: enough, preparing: 2 })).status).toBe('Preparing spares (4 of 6 ready)');
    // at its maximum it cannot hold more spares: nothing to ask of it
    expect(poolHealthView(pool({ poolId: 'p', name: 'P', target: { ...enough, maxSize: 10 } })).tone).toBe('green');
  });

  it('words shared pools by their hosts, and pools without anything yet as what to do', () => {
    const shared = (hosts: { hosts: number; available: number; sessions: number; capacity: number }) =>
      poolHealthView(pool({ poolId: 's', name: 'S', kind: 'SHARED', desktops: 0, readyFree: 0, inUse: 0, hosts })).status;
    expect(shared({ hosts: 0, available: 0, sessions: 0, capacity: 0 })).toBe('No session hosts yet');
    expect(shared({ hosts: 2, available: 0, sessions: 0, capacity: 0 })).toBe('No host takes sessions');
    expect(shared({ hosts: 2, available: 2, sessions: 20, capacity: 20 })).toBe('Hosts full');
    expect(shared({ hosts: 2, available: 2, sessions: 18, capacity: 20 })).toBe('Hosts almost full');
    expect(shared({ hosts: 2, available: 2, sessions: 3, capacity: 20 })).toBe('Healthy');
    expect(poolHealthView(pool({ poolId: 'e', name: 'E', desktops: 0, readyFree: 0, inUse: 0, byState: {} })).status).toBe('No desktops yet');
    expect(poolHealthView(pool({ poolId: 'd', name: 'D', enabled: false, failed: 3 })).status).toBe('Disabled');
    expect(poolHealthView(pool({ poolId: 'f', name: 'F', readyFree: 0, inUse: 10 })).status).toBe('No free desktop');
  });

  it('lists the pools needing someone first, then by name', () => {
    const names = poolHealthList(busySnapshot().pools!).map((p) => `${p.name}: ${p.status}`);
    expect(names).toEqual(['Engineers: 1 failed desktop', 'Office apps: Hosts almost full', 'Call centre: Healthy']);
  });
});

describe('sessions over the last day', () => {
  it('draws the tenant’s own peak and its busiest pools, and says it in a sentence', () => {
    const v = timelineView(busySnapshot().sessions!);
    expect(v.labels).toHaveLength(24);
    expect(v.total.points[23].y).toBe(7);
    expect(v.pools.map((p) => p.name)).toEqual(['Call centre']);
    expect(v.maxY).toBe(7);
    expect(v.any).toBe(true);
    expect(v.summary).toContain('7, in the hour from');
  });

  it('keeps the busiest pools only, and counts the others', () => {
    const s = busySnapshot().sessions!;
    const pools = Array.from({ length: 7 }, (_, i) => ({ poolId: `p${i}`, poolName: `Pool ${i}`, peaks: Array(24).fill(i) }));
    const v = timelineView({ ...s, lastDay: { ...s.lastDay, pools } }, 5);
    expect(v.pools.map((p) => p.name)).toEqual(['Pool 6', 'Pool 5', 'Pool 4', 'Pool 3', 'Pool 2']);
    expect(v.otherPools).toBe(2);
  });

  it('says so when nobody had a session', () => {
    expect(timelineView(emptySnapshot().sessions!).summary).toBe('No session was open in the last 24 hours.');
  });
});

describe('connects and refusals', () => {
  it('puts the refusals in an admin’s words, with what helps and the pools they concern', () => {
    const v = connectsView(busySnapshot().connects!);
    expect(v.attempts).toBe(20);
    expect(v.refusedShare).toBe('5 %');
    expect(v.tone).toBe('orange');
    expect(v.refusals[0]).toMatchObject({ label: 'No free desktop', count: 1 });
    expect(v.refusals[0].help).toContain('Add desktops');
    expect(v.refusals[0].pools[0]).toEqual({ poolId: 'p2', name: 'Engineers', count: 1, href: '/console/pools/p2', sessionsHref: '/console/sessions?poolId=p2' });
  });

  it('keeps an unknown reason as the broker named it', () => {
    const v = connectsView({ from: '', created: 0, reconnected: 0, refused: 3, refusals: [{ reason: 'SOMETHING_NEW', count: 3, pools: [] }] });
    expect(v.refusals[0].label).toBe('SOMETHING_NEW');
    expect(v.tone).toBe('red');
  });
});

describe('hosts, seats and tasks', () => {
  it('tells a session host’s heartbeat age by the broker’s clock', () => {
    const h = { id: 'h1', name: 'sh-1', poolId: 'p3', poolName: 'Office apps', state: 'AVAILABLE' as const, draining: false, sessions: 10, maxSessions: 10, agentManaged: true, lastHeartbeatAt: '2026-12-06T09:29:48Z', cpuPercent: 40 };
    const v = sessionHostView(h, '2026-12-06T09:30:00Z');
    expect(v).toMatchObject({ heartbeat: 'heartbeat 12 s ago', load: '10 of 10 sessions', tone: 'orange', state: 'Available', href: '/console/hosts?poolId=p3' });
    expect(sessionHostView({ ...h, agentManaged: false }, '2026-12-06T09:30:00Z').heartbeat).toBe('no agent');
    expect(sessionHostView({ ...h, lastHeartbeatAt: null }, '2026-12-06T09:30:00Z').heartbeat).toBe('no heartbeat yet');
    expect(sessionHostView({ ...h, state: 'UNREACHABLE' }, '2026-12-06T09:30:00Z').tone).toBe('red');
  });

  it('sums the session hosts up, unreachable and late ones first', () => {
    const v = sessionHostsView({ hosts: 4, available: 3, registered: 0, unreachable: 1, draining: 1, heartbeatsLate: 0, sessions: 12, capacity: 40, busiest: [], attention: [] }, '2026-12-06T09:30:00Z');
    expect(v.summary).toBe('3 of 4 hosts available · 1 draining · 1 unreachable');
    expect(v.sessions).toBe('12 of 40 session seats in use (30 %)');
    expect(v.tone).toBe('red');
    const night = sessionHostsView({ hosts: 4, available: 2, registered: 0, unreachable: 0, poweredOff: 2, draining: 3, heartbeatsLate: 0, sessions: 3, capacity: 10, busiest: [], attention: [] }, '2026-12-06T03:30:00Z');
    expect(night.summary).toBe('2 of 4 hosts available · 3 draining · 2 powered off');
    expect(night.tone).toBe('green');
  });

  it('shows hypervisor allocation against capacity, and whose desktops it counts', () => {
    const v = hypervisorHostsView({ ...emptySnapshot().hypervisorHosts!, scope: 'PLATFORM', hosts: 3, usable: 2, maintenance: 1, cpus: 64, memoryMiB: 262144, vcpus: 48, memoryAllocatedMiB: 98304, busiest: [{ id: 'hv1', name: 'hv-1', simulated: false, usable: true, maintenance: false, reachable: true, quarantined: false, cpus: 32, memoryMiB: 131072, vcpus: 30, memoryAllocatedMiB: 65536, desktops: 15 }] });
    expect(v.cpu.words).toBe('48 of 64 CPU threads (75 %)');
    expect(v.memory.words).toBe('96 GiB of 256 GiB (38 %)');
    expect(v.scopeWords).toBe('every organisation’s desktops');
    expect(v.busiest[0]).toMatchObject({ tone: 'orange', words: '30/32 vCPU · 64 GiB/128 GiB · 15 desktops' });
  });

  it('says how a product’s seats stand, and links to the product', () => {
    const l = busySnapshot().licences![0];
    expect(seatView(l)).toMatchObject({ words: '7 of 10 seats in use', tone: 'green', href: '/console/licences/l1' });
    expect(seatView({ ...l, seatsInUse: 9 }).status).toBe('Almost every seat in use');
    expect(seatView({ ...l, seatsInUse: 12, overuse: 2 })).toMatchObject({ tone: 'red', status: '2 over its seats' });
    expect(seatView({ ...l, licensed: false, seats: 0, enforcement: null })).toMatchObject({ tone: 'red', status: 'No licence in force', words: '7 in use' });
  });

  it('lists failed tasks in words with their pool', () => {
    const v = provisioningView({ running: 2, waiting: 1, failedRecently: 1, failedWithinHours: 24, recentFailures: [{ taskId: 't', poolId: 'p1', poolName: 'Call centre', desktopId: 'd', type: 'CREATE', errorReason: 'HOST_UNREACHABLE', errorDetail: 'the host did not answer', finishedAt: '2026-12-06T09:00:00Z' }] });
    expect(v.summary).toBe('2 running · 1 waiting · 1 failed in the last 24 h');
    expect(v.failures[0]).toMatchObject({ words: 'Creating a desktop failed: the host did not answer', href: '/console/pools/p1' });
    expect(v.tone).toBe('red');
  });
});

describe('the whole dashboard', () => {
  it('tells an empty organisation what to do next, admins with the way there', () => {
    const hints = emptyHints(emptySnapshot(), true);
    expect(hints.pools?.link).toEqual({ to: '/console/pools', label: 'Create a pool' });
    expect(hints.sessions?.title).toBe('No sessions in the last 24 hours');
    expect(hints.licences?.link?.to).toBe('/console/licences');
    expect(hints.sessionHosts?.link?.to).toBe('/console/hosts');
    expect(emptyHints(emptySnapshot(), false).pools?.body).toContain('A tenant admin creates pools');
    expect(emptyHints(busySnapshot(), true).pools).toBeUndefined();
  });

  it('sums it up in a sentence', () => {
    expect(headline(busySnapshot())).toBe('7 live sessions, 2 pools need attention, 1 refused connect in the last hour');
    expect(headline(emptySnapshot())).toBe('0 live sessions, every pool healthy');
  });

  it('words figures as people read them', () => {
    expect(percent(1, 3)).toBe('33 %');
    expect(percent(1, 0)).toBe('—');
    expect(memoryWords(512)).toBe('512 MiB');
    expect(memoryWords(1536)).toBe('1.5 GiB');
    expect(ageWords(59)).toBe('59 s');
    expect(ageWords(3600 * 5)).toBe('5 h');
  });
});
