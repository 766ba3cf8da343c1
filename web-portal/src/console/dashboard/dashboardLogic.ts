import type {
  Connects,
  DashboardSnapshot,
  HypervisorHosts,
  LicenceSeats,
  PoolHealth,
  Provisioning,
  SessionHostLoad,
  SessionHosts,
  Sessions,
} from './dashboardTypes';

/**
 * The dashboard's snapshot turned into what its cards show: each figure with its words, its tone and the page that
 * explains it. Pure functions of the snapshot (and of the clock only where said), tested on their own.
 */

/** PatternFly's label colours for a figure's state. */
export type Tone = 'green' | 'orange' | 'red' | 'blue' | 'grey';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** 0.873 → "87 %"; no capacity → "—". */
export function percent(part: number, whole: number): string {
  if (!whole) {
    return '—';
  }
  return `${Math.round((part / whole) * 100)} %`;
}

/** 8192 → "8 GiB", 1536 → "1.5 GiB", 512 → "512 MiB". */
export function memoryWords(mib: number): string {
  if (mib < 1024) {
    return `${mib} MiB`;
  }
  const gib = mib / 1024;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}

/** Seconds as people read an age: "12 s", "3 min", "2 h", "4 d". */
export function ageWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min`;
  }
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h`;
  }
  return `${Math.floor(s / 86400)} d`;
}

// ---- pools ----

export interface PoolHealthView {
  poolId: string;
  name: string;
  href: string;
  tone: Tone;
  /** The health in a few words ("2 failed desktops", "Healthy"). */
  status: string;
  /** The counts behind it ("12 ready · 30 in use · 2 preparing · 1 failed"). */
  figures: string;
  /** What it is measured against, when something is ("target: 5–40 desktops, 4 spares"). */
  target: string | null;
  /** How urgent (0 most), for ordering. */
  rank: number;
}

/** A pool's health against its target: what is wrong first, in words, with the figures behind it. */
export function poolHealthView(p: PoolHealth): PoolHealthView {
  const href = `/console/pools/${p.poolId}`;
  const base = { poolId: p.poolId, name: p.name, href };
  if (p.kind === 'SHARED') {
    const h = p.hosts ?? { hosts: 0, available: 0, sessions: 0, capacity: 0 };
    const figures = `${plural(h.hosts, 'host')} · ${h.sessions} of ${h.capacity} session seats in use`;
    const target = null;
    if (!p.enabled) {
      return { ...base, tone: 'grey', status: 'Disabled', figures, target, rank: 4 };
    }
    if (h.hosts === 0) {
      return { ...base, tone: 'blue', status: 'No session hosts yet', figures, target, rank: 3 };
    }
    if (h.available === 0) {
      return { ...base, tone: 'red', status: 'No host takes sessions', figures, target, rank: 0 };
    }
    if (h.sessions >= h.capacity) {
      return { ...base, tone: 'red', status: 'Hosts full', figures, target, rank: 0 };
    }
    if (h.sessions >= 0.9 * h.capacity) {
      return { ...base, tone: 'orange', status: 'Hosts almost full', figures, target, rank: 1 };
    }
    return { ...base, tone: 'green', status: 'Healthy', figures, target, rank: 5 };
  }
  const parts = [`${p.readyFree} ready`, `${p.inUse} in use`];
  if (p.preparing) {
    parts.push(`${p.preparing} preparing`);
  }
  if (p.failed) {
    parts.push(`${p.failed} failed`);
  }
  const other = p.desktops - p.readyFree - p.inUse - p.preparing - p.failed;
  if (other > 0) {
    parts.push(`${other} other`);
  }
  const figures = parts.join(' · ');
  const t = p.target;
  const target = t
    ? `target: ${t.minSize}–${t.maxSize} desktops, ${plural(t.spareTarget, 'spare')}${t.enabled ? '' : ' (provisioning paused)'}`
    : null;
  if (!p.enabled) {
    return { ...base, tone: 'grey', status: 'Disabled', figures, target, rank: 4 };
  }
  if (p.failed > 0) {
    return { ...base, tone: 'red', status: plural(p.failed, 'failed desktop'), figures, target, rank: 0 };
  }
  if (p.desktops === 0 && !t) {
    return { ...base, tone: 'blue', status: 'No desktops yet', figures, target, rank: 3 };
  }
  if (t && p.desktops < t.minSize) {
    return {
      ...base,
      tone: 'orange',
      status: p.preparing ? `Growing to its minimum (${p.desktops} of ${t.minSize})` : `Below its minimum (${p.desktops} of ${t.minSize})`,
      figures,
      target,
      rank: 1,
    };
  }
  if (t && p.readyFree < t.spareTarget && p.desktops < t.maxSize) {
    return {
      ...base,
      tone: 'orange',
      status: p.preparing ? `Preparing spares (${p.readyFree} of ${t.spareTarget} ready)` : `Fewer spares than wanted (${p.readyFree} of ${t.spareTarget})`,
      figures,
      target,
      rank: 2,
    };
  }
  if (p.kind === 'POOLED' && p.readyFree === 0) {
    return { ...base, tone: 'orange', status: 'No free desktop', figures, target, rank: 1 };
  }
  return { ...base, tone: 'green', status: 'Healthy', figures, target, rank: 5 };
}

/** Every pool's health, the ones that need someone first, then by name. */
export function poolHealthList(pools: PoolHealth[]): PoolHealthView[] {
  return pools.map(poolHealthView).sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
}

// ---- sessions ----

/** "14:00" in the browser's zone (the hours are UTC instants). */
export function hourLabel(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:00`;
}

export interface TimelineLine {
  name: string;
  /** x: the hour's index (0 the oldest), so that the chart keeps the hours in order; `labels[x]` names it. */
  points: Array<{ x: number; y: number }>;
}

export interface TimelineView {
  /** Hour labels, oldest first. */
  labels: string[];
  /** The tenant's own peak per hour. */
  total: TimelineLine;
  /** The pools with the highest peaks (at most `topPools`), each its line. */
  pools: TimelineLine[];
  /** Pools left out of the lines. */
  otherPools: number;
  maxY: number;
  /** The chart in one sentence, for screen readers and as its caption. */
  summary: string;
  /** Whether any hour had a session. */
  any: boolean;
}

/** The last 24 hours as lines: the tenant's peak of concurrent sessions per hour, and its busiest pools'. */
export function timelineView(sessions: Sessions, topPools = 5): TimelineView {
  const t = sessions.lastDay;
  const labels = t.hours.map(hourLabel);
  const line = (name: string, values: number[]): TimelineLine => ({
    name,
    points: values.map((y, i) => ({ x: i, y })),
  });
  const ranked = [...t.pools].sort(
    (a, b) => Math.max(...b.peaks) - Math.max(...a.peaks) || String(a.poolName).localeCompare(String(b.poolName)),
  );
  const shown = ranked.slice(0, topPools);
  const maxY = Math.max(1, ...t.total);
  let peakAt = 0;
  t.total.forEach((v, i) => {
    if (v > t.total[peakAt]) {
      peakAt = i;
    }
  });
  const any = t.total.some((v) => v > 0);
  const summary = any
    ? `The most sessions open at once in the last 24 hours: ${t.total[peakAt]}, in the hour from ${labels[peakAt]}; ` +
      `${t.total[t.total.length - 1] ?? 0} at most in the current hour.`
    : 'No session was open in the last 24 hours.';
  return {
    labels,
    total: line('All pools', t.total),
    pools: shown.map((p) => line(p.poolName ?? 'A removed pool', p.peaks)),
    otherPools: Math.max(0, ranked.length - shown.length),
    maxY,
    summary,
    any,
  };
}

export const LIVE_STATE_WORDS: Record<string, string> = {
  PREPARING: 'Preparing',
  READY: 'Ready, not yet connected',
  CONNECTED: 'Connected',
  DISCONNECTED: 'Disconnected',
};

// ---- connects ----

/** A refusal's reason in an admin's words, and what usually helps. */
export const REFUSAL_WORDS: Record<string, { label: string; help: string }> = {
  POOL_EXHAUSTED: { label: 'No free desktop', help: 'Add desktops, or raise the pool’s maximum and spares.' },
  HOST_CAPACITY: { label: 'Session hosts full', help: 'Add a session host, or raise the hosts’ maximum sessions.' },
  TENANT_QUOTA: { label: 'Organisation quota reached', help: 'A platform admin raises the quota of concurrent sessions.' },
  LICENCE_EXHAUSTED: { label: 'No licence seat free', help: 'Add seats to the licence, or free unused seats.' },
  NOT_ENTITLED: { label: 'Not entitled', help: 'Entitle the user or their group to the pool.' },
  POOL_DISABLED: { label: 'Pool disabled', help: 'Enable the pool when it should be used again.' },
  DESKTOP_UNAVAILABLE: { label: 'Assigned desktop unavailable', help: 'Look at the user’s desktop on the pool’s page.' },
  DEVICE_ID_REQUIRED: { label: 'Client named no device', help: 'Per-device licences need the portal’s device id.' },
  OVERLOADED: { label: 'Broker busy', help: 'More connects at once than the brokers serve: add a replica.' },
  SERVICE_UNAVAILABLE: { label: 'Database unavailable', help: 'The brokers could not reach the database.' },
  CONFLICT: { label: 'Competing connects', help: 'Retried by the portal; many of them mean the last seats are contested.' },
  NOT_FOUND: { label: 'Unknown pool', help: 'A client asked for a pool that does not exist (an old link).' },
};

export function refusalWords(reason: string): { label: string; help: string } {
  return REFUSAL_WORDS[reason] ?? { label: reason, help: 'See the sessions and the audit trail.' };
}

export interface RefusalView {
  reason: string;
  label: string;
  help: string;
  count: number;
  pools: Array<{ poolId: string; name: string; count: number; href: string; sessionsHref: string }>;
}

export interface ConnectsView {
  attempts: number;
  created: number;
  reconnected: number;
  refused: number;
  /** "3 %" of the attempts refused, or "—". */
  refusedShare: string;
  tone: Tone;
  refusals: RefusalView[];
}

export function connectsView(c: Connects): ConnectsView {
  const attempts = c.created + c.reconnected + c.refused;
  const share = attempts ? c.refused / attempts : 0;
  return {
    attempts,
    created: c.created,
    reconnected: c.reconnected,
    refused: c.refused,
    refusedShare: percent(c.refused, attempts),
    tone: c.refused === 0 ? 'green' : share >= 0.1 ? 'red' : 'orange',
    refusals: c.refusals.map((r) => ({
      reason: r.reason,
      ...refusalWords(r.reason),
      count: r.count,
      pools: r.pools.map((p) => ({
        poolId: p.poolId,
        name: p.poolName ?? 'A removed pool',
        count: p.count,
        href: `/console/pools/${p.poolId}`,
        sessionsHref: `/console/sessions?poolId=${encodeURIComponent(p.poolId)}`,
      })),
    })),
  };
}

// ---- hosts ----

export interface SessionHostView {
  id: string;
  name: string;
  poolName: string;
  href: string;
  load: string;
  tone: Tone;
  /** "heartbeat 12 s ago", "no agent", "no heartbeat yet". */
  heartbeat: string;
  state: string;
}

/** Seconds between a heartbeat and the snapshot's reading (the broker's clock on both sides). */
export function heartbeatAge(lastHeartbeatAt: string | null, generatedAt: string): number | null {
  if (!lastHeartbeatAt) {
    return null;
  }
  return (Date.parse(generatedAt) - Date.parse(lastHeartbeatAt)) / 1000;
}

export function sessionHostView(h: SessionHostLoad, generatedAt: string): SessionHostView {
  const age = heartbeatAge(h.lastHeartbeatAt, generatedAt);
  const full = h.sessions >= h.maxSessions;
  return {
    id: h.id,
    name: h.name,
    poolName: h.poolName ?? 'a removed pool',
    href: `/console/hosts?poolId=${encodeURIComponent(h.poolId)}`,
    load: `${h.sessions} of ${h.maxSessions} sessions`,
    tone: h.state === 'UNREACHABLE' ? 'red' : full ? 'orange' : h.draining ? 'grey' : 'green',
    heartbeat: !h.agentManaged ? 'no agent' : age === null ? 'no heartbeat yet' : `heartbeat ${ageWords(age)} ago`,
    state: h.state === 'UNREACHABLE' ? 'Unreachable' : h.state === 'REGISTERED' ? 'Not reporting yet' : h.draining ? 'Draining' : 'Available',
  };
}

export interface SessionHostsView {
  tone: Tone;
  summary: string;
  sessions: string;
  busiest: SessionHostView[];
  attention: SessionHostView[];
}

export function sessionHostsView(s: SessionHosts, generatedAt: string): SessionHostsView {
  const problems = s.unreachable + s.heartbeatsLate;
  return {
    tone: problems ? 'red' : s.capacity && s.sessions >= 0.9 * s.capacity ? 'orange' : 'green',
    summary: [
      `${s.available} of ${plural(s.hosts, 'host')} available`,
      s.draining ? `${s.draining} draining` : null,
      s.unreachable ? `${s.unreachable} unreachable` : null,
      s.poweredOff ? `${s.poweredOff} powered off` : null,
      s.heartbeatsLate ? `${plural(s.heartbeatsLate, 'late heartbeat')}` : null,
      s.registered ? `${s.registered} not reporting yet` : null,
    ]
      .filter(Boolean)
      .join(' · '),
    sessions: `${s.sessions} of ${s.capacity} session seats in use (${percent(s.sessions, s.capacity)})`,
    busiest: s.busiest.map((h) => sessionHostView(h, generatedAt)),
    attention: s.attention.map((h) => sessionHostView(h, generatedAt)),
  };
}

export interface HypervisorHostsView {
  tone: Tone;
  summary: string;
  cpu: { used: number; total: number; words: string };
  memory: { used: number; total: number; words: string };
  /** Whose allocation the figures are: the tenant's, or every tenant's. */
  scopeWords: string;
  busiest: Array<{ id: string; name: string; words: string; tone: Tone; simulated: boolean }>;
}

export function hypervisorHostsView(h: HypervisorHosts): HypervisorHostsView {
  return {
    tone: h.usable === 0 && h.hosts > 0 ? 'red' : h.unreachable || h.quarantined ? 'orange' : 'green',
    summary: [
      `${h.usable} of ${plural(h.hosts, 'host')} usable`,
      h.maintenance ? `${h.maintenance} in maintenance` : null,
      h.unreachable ? `${h.unreachable} unreachable` : null,
      h.quarantined ? `${h.quarantined} quarantined` : null,
      h.simulated ? `${h.simulated} simulated` : null,
    ]
      .filter(Boolean)
      .join(' · '),
    cpu: { used: h.vcpus, total: h.cpus, words: `${h.vcpus} of ${h.cpus} CPU threads (${percent(h.vcpus, h.cpus)})` },
    memory: {
      used: h.memoryAllocatedMiB,
      total: h.memoryMiB,
      words: `${memoryWords(h.memoryAllocatedMiB)} of ${memoryWords(h.memoryMiB)} (${percent(h.memoryAllocatedMiB, h.memoryMiB)})`,
    },
    scopeWords: h.scope === 'PLATFORM' ? 'every organisation’s desktops' : 'this organisation’s desktops',
    busiest: h.busiest.map((b) => {
      const load = Math.max(b.cpus ? b.vcpus / b.cpus : 0, b.memoryMiB ? b.memoryAllocatedMiB / b.memoryMiB : 0);
      return {
        id: b.id,
        name: b.name,
        simulated: b.simulated,
        words: `${b.vcpus}/${b.cpus} vCPU · ${memoryWords(b.memoryAllocatedMiB)}/${memoryWords(b.memoryMiB)} · ${plural(b.desktops, 'desktop')}`,
        tone: !b.usable ? 'red' : load >= 1 ? 'red' : load >= 0.85 ? 'orange' : 'green',
      };
    }),
  };
}

// ---- licences ----

export interface SeatView {
  productId: string;
  name: string;
  href: string;
  inUse: number;
  seats: number;
  words: string;
  tone: Tone;
  status: string;
}

export function seatView(l: LicenceSeats): SeatView {
  const href = `/console/licences/${l.productId}`;
  const words = l.licensed ? `${l.seatsInUse} of ${plural(l.seats, 'seat')} in use` : `${l.seatsInUse} in use`;
  let tone: Tone = 'green';
  let status = 'Within its seats';
  if (!l.licensed) {
    tone = 'red';
    status = 'No licence in force';
  } else if (l.overuse > 0) {
    tone = 'red';
    status = `${l.overuse} over its seats`;
  } else if (l.seatsInUse >= l.seats) {
    tone = 'orange';
    status = 'Every seat in use';
  } else if (l.seatsInUse >= 0.9 * l.seats) {
    tone = 'orange';
    status = 'Almost every seat in use';
  } else if (l.inGrace) {
    tone = 'orange';
    status = 'Licence ended: in its grace period';
  }
  return { productId: l.productId, name: l.name, href, inUse: l.seatsInUse, seats: l.seats, words, tone, status };
}

// ---- provisioning ----

export interface ProvisioningView {
  tone: Tone;
  summary: string;
  failures: Array<{ taskId: string; words: string; poolName: string | null; href: string | null; finishedAt: string | null }>;
}

const TASK_WORDS: Record<string, string> = {
  CREATE: 'Creating a desktop',
  START: 'Starting a desktop',
  STOP: 'Stopping a desktop',
  REFRESH: 'Refreshing a desktop',
  REPLACE: 'Replacing a desktop',
  DELETE: 'Deleting a desktop',
};

export function provisioningView(p: Provisioning): ProvisioningView {
  return {
    tone: p.failedRecently ? 'red' : 'green',
    summary: `${p.running} running · ${p.waiting} waiting · ${p.failedRecently} failed in the last ${p.failedWithinHours} h`,
    failures: p.recentFailures.map((f) => ({
      taskId: f.taskId,
      words: `${TASK_WORDS[f.type] ?? f.type} failed${f.errorDetail ? `: ${f.errorDetail}` : f.errorReason ? ` (${f.errorReason})` : ''}`,
      poolName: f.poolName,
      href: f.poolId ? `/console/pools/${f.poolId}` : null,
      finishedAt: f.finishedAt,
    })),
  };
}

// ---- the whole ----

/** What a section shows when it has nothing: what to do next, and where. */
export interface EmptyHint {
  title: string;
  body: string;
  link?: { to: string; label: string };
}

export function emptyHints(s: DashboardSnapshot, admin: boolean): Partial<Record<string, EmptyHint>> {
  const hints: Partial<Record<string, EmptyHint>> = {};
  if (s.pools && s.pools.length === 0) {
    hints.pools = {
      title: 'No pools yet',
      body: admin
        ? 'A pool gives users desktops. Create one, give it desktops or session hosts, and entitle a group to it.'
        : 'A tenant admin creates pools; their health shows here.',
      link: { to: '/console/pools', label: admin ? 'Create a pool' : 'Go to the pools' },
    };
  }
  if (s.sessions && s.sessions.live === 0 && !s.sessions.lastDay.total.some((v) => v > 0)) {
    hints.sessions = {
      title: 'No sessions in the last 24 hours',
      body: 'Users who are entitled to a pool connect from the portal; their sessions show here as they start.',
      link: admin ? { to: '/console/pools', label: 'Entitle users on a pool’s page' } : undefined,
    };
  }
  if (s.connects && s.connects.created + s.connects.reconnected + s.connects.refused === 0) {
    hints.connects = { title: 'Nobody connected in the last hour', body: 'Connects and refusals of the last hour show here.' };
  }
  if (s.sessionHosts && s.sessionHosts.hosts === 0) {
    hints.sessionHosts = {
      title: 'No session hosts',
      body: 'Shared pools run their sessions on session hosts. Add one and run the command shown on the host.',
      link: admin ? { to: '/console/hosts', label: 'Add a session host' } : undefined,
    };
  }
  if (s.hypervisorHosts && s.hypervisorHosts.hosts === 0) {
    hints.hypervisorHosts = {
      title: 'No hypervisor hosts',
      body: 'Provisioned desktops run on hypervisor hosts, which a platform admin registers.',
      link: { to: '/console/hosts?tab=hypervisors', label: 'Go to the hypervisor hosts' },
    };
  }
  if (s.licences && s.licences.length === 0) {
    hints.licences = {
      title: 'No licence products',
      body: 'Add the products your desktops use and their licences: the seats in use are then counted here.',
      link: { to: '/console/licences', label: 'Add a licence product' },
    };
  }
  return hints;
}

/** The whole dashboard in a sentence for the page's live region ("12 sessions, 2 pools need attention"). */
export function headline(s: DashboardSnapshot): string {
  const parts: string[] = [];
  if (s.sessions) {
    parts.push(plural(s.sessions.live, 'live session'));
  }
  if (s.pools) {
    const attention = poolHealthList(s.pools).filter((p) => p.tone === 'red' || p.tone === 'orange').length;
    parts.push(attention ? `${plural(attention, 'pool')} need${attention === 1 ? 's' : ''} attention` : 'every pool healthy');
  }
  if (s.connects && s.connects.refused) {
    parts.push(`${plural(s.connects.refused, 'refused connect')} in the last hour`);
  }
  return parts.join(', ');
}
