import { humanProblem } from '../../problems/problemMessages';
import type { BulkResult, Capacity, DrainBlockedReason, DrainMove, HostDrain, HypervisorHost, SessionHostDetail } from './hostTypes';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Seconds since the agent's last heartbeat, or null when it never sent one. */
export function heartbeatAge(lastHeartbeatAt: string | null | undefined, now: number = Date.now()): number | null {
  if (!lastHeartbeatAt) {
    return null;
  }
  const at = Date.parse(lastHeartbeatAt);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((now - at) / 1000));
}

/** 4 → "4 s ago", 130 → "2 min ago", 7300 → "2 h ago", null → "never". */
export function ageWords(seconds: number | null): string {
  if (seconds === null) {
    return 'never';
  }
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** A session host's state in words, with its draining flag (a flag beside the state). */
export function sessionHostStateWords(h: Pick<SessionHostDetail, 'state' | 'draining' | 'agent'> & { power?: Pick<SessionHostDetail['power'], 'action'> }): {
  label: string;
  colour: 'green' | 'orange' | 'red' | 'grey' | 'blue';
} {
  if (h.agent?.revokedAt && !h.agent.enrolled) {
    return { label: 'Credential revoked', colour: 'red' };
  }
  switch (h.state) {
    case 'REGISTERED':
      return { label: h.agent ? 'Waiting for its agent' : 'Registered', colour: 'blue' };
    case 'AVAILABLE':
      if (h.power?.action === 'POWER_OFF') return { label: 'Powering off', colour: 'orange' };
      return h.draining ? { label: 'Draining', colour: 'orange' } : { label: 'Available', colour: 'green' };
    case 'POWERED_OFF':
      return h.power?.action === 'WAKE' ? { label: 'Waking', colour: 'blue' } : { label: 'Powered off', colour: 'grey' };
    case 'UNREACHABLE':
      return { label: h.draining ? 'Unreachable, draining' : 'Unreachable', colour: 'red' };
    case 'REMOVED':
      return { label: 'Removed', colour: 'grey' };
    default:
      return { label: h.state, colour: 'grey' };
  }
}

const gib = (mb: number) => (mb / 1024).toFixed(mb < 10 * 1024 ? 1 : 0);

/** "CPU 35 % · memory 2.1 of 8.0 GiB" from the last heartbeat; "no report yet" before one. */
export function loadWords(agent: SessionHostDetail['agent']): string {
  if (!agent) {
    return 'no agent (registered by its console address)';
  }
  const parts: string[] = [];
  if (agent.cpuPercent !== null && agent.cpuPercent !== undefined) {
    parts.push(`CPU ${Math.round(agent.cpuPercent)} %${agent.cpuCount ? ` of ${plural(agent.cpuCount, 'core')}` : ''}`);
  }
  if (agent.memoryUsedMb !== null && agent.memoryUsedMb !== undefined && agent.memoryMb) {
    parts.push(`memory ${gib(agent.memoryUsedMb)} of ${gib(agent.memoryMb)} GiB`);
  }
  return parts.length ? parts.join(' · ') : 'no report yet';
}

/** "3 / 20", with what the agent counted when it differs from the broker's sessions. */
export function sessionsWords(h: Pick<SessionHostDetail, 'activeSessions' | 'maxSessions' | 'agent'>): string {
  const reported = h.agent?.reportedSessions;
  const differs = reported !== null && reported !== undefined && reported !== h.activeSessions;
  return `${h.activeSessions} / ${h.maxSessions}${differs ? ` (agent counts ${reported})` : ''}`;
}

/**
 * What to run on the new host: the agent's configuration (broker URL and the one-time token, readable by root only,
 * since the token is a secret until used) and the agent itself, as session-host/README.md describes it.
 */
export function enrolmentCommand(brokerUrl: string, token: string): string {
  const url = brokerUrl.replace(/\/+$/, '');
  return [
    'sudo install -d -m 0755 /etc/deskport',
    "sudo sh -c 'umask 077; cat > /etc/deskport/session-host.properties' <<'EOF'",
    `broker.url=${url}`,
    `enrolment.token=${token}`,
    'EOF',
    'sudo java -jar deskport-session-host-*-exec.jar /etc/deskport/session-host.properties',
  ].join('\n');
}

/**
 * A bulk drain or resume in words: how many were done, and each one refused with its host's name and the reason in
 * words (shared.Bulk: a result per host, in the order asked).
 */
export function bulkWords(result: BulkResult, action: 'DRAIN' | 'RESUME', names: Record<string, string>): { done: string; refused: string[] } {
  const verb = action === 'DRAIN' ? 'now draining' : 'taking new sessions again';
  const done = result.succeeded ? `${plural(result.succeeded, 'host')} ${verb}.` : 'No host was changed.';
  const refused = result.results
    .filter((r) => r.status >= 300)
    .map((r) => {
      const words = humanProblem({ reason: r.reason ?? undefined, detail: r.detail ?? undefined, status: r.status, objectType: 'session host' }, 'admin');
      return `${names[r.id] ?? r.id}: ${words.title}${r.detail ? ` — ${r.detail}` : ''}`;
    });
  return { done, refused };
}

/** "4 of 16 (25 %)", or "4 used" when the capacity is unknown. */
export function allocationWords(used: number | null, total: number | null, unit = ''): string {
  const u = used ?? 0;
  const sfx = unit ? ` ${unit}` : '';
  if (!total) {
    return `${u}${sfx} used`;
  }
  return `${u} of ${total}${sfx} (${Math.round((u / total) * 100)} %)`;
}

const mibWords = (mib: number | null) => (mib === null ? null : Math.round(mib / 1024));

/** The three allocations of a hypervisor host: vCPUs, memory and storage (GiB). */
export function hypervisorAllocation(capacity: Capacity, used: Capacity): { cpu: string; memory: string; storage: string; overcommitted: boolean } {
  const over =
    (capacity.cpus !== null && (used.cpus ?? 0) > capacity.cpus) ||
    (capacity.memoryMiB !== null && (used.memoryMiB ?? 0) > capacity.memoryMiB);
  return {
    cpu: allocationWords(used.cpus, capacity.cpus, 'vCPUs'),
    memory: allocationWords(mibWords(used.memoryMiB), mibWords(capacity.memoryMiB), 'GiB'),
    storage: allocationWords(mibWords(used.storageMiB), mibWords(capacity.storageMiB), 'GiB'),
    overcommitted: over,
  };
}

/** One resource of a host's overcommit guard: allocated against physical × ratio. */
export interface OvercommitLine {
  resource: 'CPU' | 'Memory' | 'Disk';
  /** "20 of 64 vCPUs allocatable (16 × 4.0)" */
  words: string;
  /** Allocated over allocatable, 0..; over 1 only if capacity or ratios were lowered under existing desktops. */
  share: number | null;
  /** The host's own ratio rather than the global one. */
  own: boolean;
}

const ratioWords = (r: number) => (Number.isInteger(r) ? r.toFixed(1) : String(r));

/**
 * The overcommit guard of a hypervisor host per resource: what the broker's desktops are allocated, against the
 * physical capacity times the overcommit ratio (the ceiling placement keeps to). Null without the broker's figures.
 */
export function overcommitLines(h: Pick<HypervisorHost, 'capacity' | 'used' | 'overcommit' | 'allocatable'>): OvercommitLine[] | null {
  if (!h.overcommit || !h.allocatable) {
    return null;
  }
  const o = h.overcommit;
  const line = (resource: OvercommitLine['resource'], used: number | null, physical: number | null, allocatable: number | null, ratio: number, own: boolean, unit: string, scale: (n: number) => number): OvercommitLine => {
    const u = scale(used ?? 0);
    if (physical === null || allocatable === null || allocatable <= 0) {
      return { resource, words: `${u} ${unit} allocated (capacity not known yet)`, share: null, own };
    }
    const words = `${u} of ${scale(allocatable)} ${unit} allocatable (${scale(physical)} × ${ratioWords(ratio)}${own ? ', this host’s ratio' : ''})`;
    return { resource, words, share: (used ?? 0) / allocatable, own };
  };
  const gib = (mib: number) => Math.round(mib / 1024);
  const same = (n: number) => n;
  return [
    line('CPU', h.used.cpus, h.capacity.cpus, h.allocatable.cpus, o.cpu, o.ownCpu, 'vCPUs', same),
    line('Memory', h.used.memoryMiB, h.capacity.memoryMiB, h.allocatable.memoryMiB, o.memory, o.ownMemory, 'GiB', gib),
    line('Disk', h.used.storageMiB, h.capacity.storageMiB, h.allocatable.storageMiB, o.storage, o.ownStorage, 'GiB', gib),
  ];
}

/** The real use of a host's storage in words, and whether it is past the alert threshold. */
export function storageUseWords(s: HypervisorHost['storage']): { words: string; nearlyFull: boolean } | null {
  if (!s || s.usedRatio === null || s.totalMiB === null) {
    return null;
  }
  const pct = Math.round(s.usedRatio * 100);
  const used = Math.round(((s.totalMiB ?? 0) - (s.availableMiB ?? 0)) / 1024);
  return {
    words: `${pct} % really written (${used} of ${Math.round(s.totalMiB / 1024)} GiB; alert at ${Math.round(s.alertThreshold * 100)} %)`,
    nearlyFull: s.nearlyFull,
  };
}

/** A hypervisor host's state in words: maintenance, quarantine, unreachable, usable. */
export function hypervisorStateWords(h: Pick<HypervisorHost, 'maintenance' | 'health'>, now: number = Date.now()): { label: string; colour: 'green' | 'orange' | 'red' | 'grey' } {
  if (h.maintenance) {
    return { label: 'In maintenance', colour: 'orange' };
  }
  if (!h.health.reachable) {
    return { label: 'Unreachable', colour: 'red' };
  }
  const q = h.health.quarantinedUntil ? Date.parse(h.health.quarantinedUntil) : NaN;
  if (!Number.isNaN(q) && q > now) {
    return { label: `Quarantined (${plural(h.health.consecutiveFailures, 'failure')} in a row)`, colour: 'red' };
  }
  return h.health.usable ? { label: 'In service', colour: 'green' } : { label: 'Not usable', colour: 'grey' };
}

/** Why a desktop cannot leave a host in maintenance, in an admin's words (the API's detail adds the figures). */
export function drainBlockedWords(reason: DrainBlockedReason): string {
  switch (reason) {
    case 'NO_TARGET_HOST':
      return 'No other host can take it: every other host is down, quarantined or in maintenance.';
    case 'NO_HOST_WITH_ROOM':
      return 'No other host has the CPU and memory free for it.';
    case 'ANTI_AFFINITY':
      return 'Its pool keeps its desktops on different hosts, and every host with room already has one of them.';
    case 'MIGRATION_FAILED':
      return 'Its move failed; it keeps running here and is tried again later.';
    case 'NOT_SUPPORTED':
      return 'This host’s hypervisor driver cannot move desktops.';
    case 'NO_SETTINGS':
      return 'Its pool’s provisioning is switched off, so the room it needs is unknown.';
    case 'DESKTOP_FAILED':
      return 'It failed: repair or delete it first.';
  }
}

/** One line on a host's drain: how far it is. */
export function drainSummary(d: Pick<HostDrain, 'maintenance' | 'desktopsOnHost' | 'moving' | 'waiting' | 'blocked'>): string {
  if (!d.maintenance) {
    return d.desktopsOnHost === 0 ? 'Not in maintenance; no desktops here.' : `Not in maintenance; ${d.desktopsOnHost} desktop${d.desktopsOnHost === 1 ? '' : 's'} here.`;
  }
  if (d.desktopsOnHost === 0) {
    return 'Drained: no desktops are left on this host.';
  }
  const parts = [`${d.moving} moving`];
  if (d.waiting > 0) parts.push(`${d.waiting} waiting (free desktops being removed, or moves waiting for a slot)`);
  if (d.blocked.length > 0) parts.push(`${d.blocked.length} cannot move now`);
  return `${d.desktopsOnHost} desktop${d.desktopsOnHost === 1 ? '' : 's'} left: ${parts.join(', ')}.`;
}

/** A move's state in words, with its colour. */
export function drainMoveWords(m: Pick<DrainMove, 'state' | 'attempts' | 'errorReason'>): { label: string; colour: 'blue' | 'green' | 'red' | 'grey' } {
  switch (m.state) {
    case 'PENDING':
      return { label: m.attempts > 0 ? `retrying (attempt ${m.attempts + 1})` : 'waiting to start', colour: 'blue' };
    case 'RUNNING':
      return { label: 'moving', colour: 'blue' };
    case 'SUCCEEDED':
      return { label: 'moved', colour: 'green' };
    case 'FAILED':
      return { label: `failed${m.errorReason ? ` (${m.errorReason})` : ''}`, colour: 'red' };
    case 'CANCELLED':
      return { label: 'not needed any more', colour: 'grey' };
  }
}

/** What an admin may do about a host's power now, and the line that says where it stands. */
export function powerView(h: Pick<SessionHostDetail, 'state' | 'draining' | 'activeSessions' | 'agent' | 'power'>): {
  canPowerOff: boolean;
  canWake: boolean;
  /** Why "Power off" is not offered (null when it is, or the host has no agent). */
  powerOffHint: string | null;
  line: string | null;
} {
  const p = h.power;
  const agent = h.agent !== null;
  const idle = h.state === 'AVAILABLE' && p.action === null;
  const canPowerOff = agent && p.canPowerOff && idle && h.draining && h.activeSessions === 0;
  const canWake = h.state === 'POWERED_OFF' && p.mac !== null && p.action === null;
  let powerOffHint: string | null = null;
  if (agent && idle && !canPowerOff) {
    powerOffHint = !p.canPowerOff
      ? 'its agent has no power-off command (power.off-command)'
      : !h.draining
        ? 'drain it first'
        : h.activeSessions > 0
          ? `${h.activeSessions} session${h.activeSessions === 1 ? '' : 's'} still on it`
          : null;
  }
  let line: string | null = null;
  if (p.detail) line = p.detail;
  else if (p.action === 'WAKE') line = `magic packet ${p.attempts} sent to ${p.mac ?? '?'}`;
  else if (p.action === 'POWER_OFF') line = 'its agent was told to power off';
  else if (h.state === 'POWERED_OFF') line = p.managed ? 'woken when the forecast needs it' : 'powered off by an admin';
  else if (p.managed) line = 'powered off when drained and empty off-peak';
  return { canPowerOff, canWake, powerOffHint, line };
}

const MAC = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/;

/** The power settings form's own checks (the broker checks them again): field → message. */
export function powerSettingsErrors(wakeMac: string, wakeAddress: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (wakeMac.trim() && !MAC.test(wakeMac.trim())) errors.wakeMac = 'six hex pairs, e.g. 52:54:00:12:34:56';
  const a = wakeAddress.trim();
  if (a) {
    // host, host:port, [v6]:port, or a bare IPv6 address (several colons: no port)
    const bareV6 = /^[0-9a-fA-F:.]+$/.test(a) && a.split(':').length > 2;
    const m = bareV6 ? [a, a, undefined] : /^(\[[^\]]+\]|[^:\s\[\]]+)(?::(\d+))?$/.exec(a);
    const port = m?.[2] === undefined ? 9 : Number(m[2]);
    if (!m || port < 1 || port > 65535) errors.wakeAddress = 'host or host:port, e.g. 10.1.2.255:9';
  }
  return errors;
}
