import { ageWords, allocationWords, bulkWords, drainBlockedWords, drainMoveWords, drainSummary, enrolmentCommand, heartbeatAge, hypervisorAllocation, hypervisorStateWords, loadWords, overcommitLines, powerSettingsErrors, powerView, sessionHostStateWords, sessionsWords, storageUseWords } from './hostLogic';
import type { SessionHostAgent } from './hostTypes';

const agent: SessionHostAgent = {
  enrolled: true,
  revokedAt: null,
  address: '10.0.0.5',
  os: 'Debian 13',
  version: '0.1.0',
  cpuCount: 8,
  memoryMb: 16384,
  lastHeartbeatAt: '2026-12-06T10:00:00Z',
  cpuPercent: 34.6,
  memoryUsedMb: 4096,
  reportedSessions: 3,
  loggedOnUser: null,
};

describe('session hosts in words', () => {
  it('says how long ago the agent reported', () => {
    const now = Date.parse('2026-12-06T10:02:05Z');
    expect(ageWords(heartbeatAge(agent.lastHeartbeatAt, now))).toBe('2 min ago');
    expect(ageWords(heartbeatAge('2026-12-06T10:01:58Z', now))).toBe('7 s ago');
    expect(ageWords(heartbeatAge(null, now))).toBe('never');
  });

  it('gives the load of the last heartbeat and the sessions against the limit', () => {
    expect(loadWords(agent)).toBe('CPU 35 % of 8 cores · memory 4.0 of 16 GiB');
    expect(loadWords({ ...agent, cpuPercent: null, memoryUsedMb: null })).toBe('no report yet');
    expect(loadWords(null)).toBe('no agent (registered by its console address)');
    expect(sessionsWords({ activeSessions: 3, maxSessions: 20, agent })).toBe('3 / 20');
    expect(sessionsWords({ activeSessions: 2, maxSessions: 20, agent })).toBe('2 / 20 (agent counts 3)');
  });

  it('names the state with its draining flag', () => {
    expect(sessionHostStateWords({ state: 'AVAILABLE', draining: true, agent })).toEqual({ label: 'Draining', colour: 'orange' });
    expect(sessionHostStateWords({ state: 'REGISTERED', draining: false, agent: { ...agent, enrolled: false } }).label).toBe('Waiting for its agent');
    expect(sessionHostStateWords({ state: 'UNREACHABLE', draining: false, agent: { ...agent, enrolled: false, revokedAt: '2026-12-06T09:00:00Z' } }).label).toBe('Credential revoked');
  });
});

describe('the enrolment command', () => {
  it('writes the agent’s configuration readable by root only, then starts the agent on it', () => {
    const cmd = enrolmentCommand('https://deskport.example.com/', 'det.abc');
    expect(cmd.split('\n')).toEqual([
      'sudo install -d -m 0755 /etc/deskport',
      "sudo sh -c 'umask 077; cat > /etc/deskport/session-host.properties' <<'EOF'",
      'broker.url=https://deskport.example.com',
      'enrolment.token=det.abc',
      'EOF',
      'sudo java -jar deskport-session-host-*-exec.jar /etc/deskport/session-host.properties',
    ]);
  });
});

describe('bulk drain and resume', () => {
  it('counts what was done and names each host refused with the reason in words', () => {
    const w = bulkWords(
      {
        succeeded: 1,
        failed: 1,
        results: [
          { id: 'h1', status: 200, reason: null, detail: null },
          { id: 'h2', status: 404, reason: 'NOT_FOUND', detail: 'No session host h2' },
        ],
      },
      'DRAIN',
      { h1: 'sh-01', h2: 'sh-02' },
    );
    expect(w.done).toBe('1 host now draining.');
    expect(w.refused).toEqual(['sh-02: Not found — No session host h2']);
  });
});

describe('hypervisor hosts', () => {
  it('gives the allocation against the capacity and spots overcommitment', () => {
    const a = hypervisorAllocation({ cpus: 16, memoryMiB: 65536, storageMiB: null }, { cpus: 20, memoryMiB: 8192, storageMiB: 10240 });
    expect(a).toEqual({ cpu: '20 of 16 vCPUs (125 %)', memory: '8 of 64 GiB (13 %)', storage: '10 GiB used', overcommitted: true });
    expect(allocationWords(0, 4)).toBe('0 of 4 (0 %)');
  });

  it('puts maintenance and quarantine before reachability', () => {
    const health = { usable: false, reachable: true, consecutiveFailures: 3, quarantinedUntil: '2026-12-06T11:00:00Z', lastError: null, lastErrorAt: null };
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(hypervisorStateWords({ maintenance: true, health }, now).label).toBe('In maintenance');
    expect(hypervisorStateWords({ maintenance: false, health }, now).label).toBe('Quarantined (3 failures in a row)');
    expect(hypervisorStateWords({ maintenance: false, health: { ...health, quarantinedUntil: null, usable: true } }, now)).toEqual({ label: 'In service', colour: 'green' });
  });
});

describe('overcommit guard words', () => {
  const host = {
    capacity: { cpus: 16, memoryMiB: 65536, storageMiB: 1048576 },
    used: { cpus: 20, memoryMiB: 32768, storageMiB: 1572864 },
    overcommit: { cpu: 4, memory: 1, storage: 2, ownCpu: false, ownMemory: false, ownStorage: true },
    allocatable: { cpus: 64, memoryMiB: 65536, storageMiB: 2097152 },
  };

  it('puts each resource’s allocation against physical capacity times the ratio', () => {
    const lines = overcommitLines(host)!;
    expect(lines.map((l) => `${l.resource} ${l.words}`)).toEqual([
      'CPU 20 of 64 vCPUs allocatable (16 × 4.0)',
      'Memory 32 of 64 GiB allocatable (64 × 1.0)',
      'Disk 1536 of 2048 GiB allocatable (1024 × 2.0, this host’s ratio)',
    ]);
    expect(lines.map((l) => l.share)).toEqual([20 / 64, 0.5, 0.75]);
    expect(lines[2].own).toBe(true);
  });

  it('has no lines without the broker’s figures, and none for an unknown capacity', () => {
    expect(overcommitLines({ capacity: host.capacity, used: host.used })).toBeNull();
    const unknown = overcommitLines({ ...host, capacity: { ...host.capacity, cpus: null }, allocatable: { ...host.allocatable, cpus: null } })!;
    expect(unknown[0]).toEqual({ resource: 'CPU', words: '20 vCPUs allocated (capacity not known yet)', share: null, own: false });
  });

  it('says how full the storage really is and whether it is past the alert threshold', () => {
    const storage = { totalMiB: 102400, usedMiB: 90000, availableMiB: 10240, usedRatio: 0.9, alertThreshold: 0.85, nearlyFull: true, nearlyFullSince: '2026-12-06T10:00:00Z' };
    expect(storageUseWords(storage)).toEqual({ words: '90 % really written (90 of 100 GiB; alert at 85 %)', nearlyFull: true });
    expect(storageUseWords({ ...storage, usedRatio: null })).toBeNull();
    expect(storageUseWords(undefined)).toBeNull();
  });
});

describe('a hypervisor host’s drain in words', () => {
  it('says how far the drain is', () => {
    const base = { maintenance: true, desktopsOnHost: 3, moving: 2, waiting: 0, blocked: [] };
    expect(drainSummary(base)).toBe('3 desktops left: 2 moving.');
    expect(drainSummary({ ...base, desktopsOnHost: 1, moving: 0, waiting: 1 })).toBe(
      '1 desktop left: 0 moving, 1 waiting (free desktops being removed, or moves waiting for a slot).',
    );
    expect(drainSummary({ ...base, desktopsOnHost: 0, moving: 0 })).toBe('Drained: no desktops are left on this host.');
    expect(drainSummary({ ...base, maintenance: false, desktopsOnHost: 4 })).toBe('Not in maintenance; 4 desktops here.');
  });

  it('names every reason a desktop cannot move, and every state of a move', () => {
    for (const r of ['NO_TARGET_HOST', 'NO_HOST_WITH_ROOM', 'ANTI_AFFINITY', 'MIGRATION_FAILED', 'NOT_SUPPORTED', 'NO_SETTINGS', 'DESKTOP_FAILED'] as const) {
      expect(drainBlockedWords(r)).toMatch(/\.$/);
    }
    expect(drainMoveWords({ state: 'PENDING', attempts: 0, errorReason: null })).toEqual({ label: 'waiting to start', colour: 'blue' });
    expect(drainMoveWords({ state: 'PENDING', attempts: 1, errorReason: 'TIMEOUT' }).label).toBe('retrying (attempt 2)');
    expect(drainMoveWords({ state: 'FAILED', attempts: 5, errorReason: 'HYPERVISOR_ERROR' })).toEqual({ label: 'failed (HYPERVISOR_ERROR)', colour: 'red' });
    expect(drainMoveWords({ state: 'SUCCEEDED', attempts: 1, errorReason: null }).colour).toBe('green');
  });
});

describe('a session host’s power', () => {
  const base = {
    state: 'AVAILABLE' as const,
    draining: true,
    activeSessions: 0,
    agent: { enrolled: true, revokedAt: null, address: null, os: null, version: null, cpuCount: null, memoryMb: null, lastHeartbeatAt: null, cpuPercent: null, memoryUsedMb: null, reportedSessions: null, loggedOnUser: null },
    power: { managed: true, canPowerOff: true, mac: '52:54:00:00:00:01', agentMac: null, wakeMac: '52:54:00:00:00:01', wakeAddress: null, action: null, actionAt: null, attempts: 0, detail: null },
  };

  it('offers Power off only for a drained, empty agent host with a command, and says what is missing otherwise', () => {
    expect(powerView(base)).toMatchObject({ canPowerOff: true, canWake: false, powerOffHint: null, line: 'powered off when drained and empty off-peak' });
    expect(powerView({ ...base, draining: false })).toMatchObject({ canPowerOff: false, powerOffHint: 'drain it first' });
    expect(powerView({ ...base, activeSessions: 1 })).toMatchObject({ canPowerOff: false, powerOffHint: '1 session still on it' });
    expect(powerView({ ...base, power: { ...base.power, canPowerOff: false } }).powerOffHint).toContain('power.off-command');
    expect(powerView({ ...base, agent: null })).toMatchObject({ canPowerOff: false, powerOffHint: null });
  });

  it('offers Wake for a powered-off host whose card is known, and tells a wake under way or given up', () => {
    const off = { ...base, state: 'POWERED_OFF' as const };
    expect(powerView(off)).toMatchObject({ canWake: true, line: 'woken when the forecast needs it' });
    expect(powerView({ ...off, power: { ...off.power, mac: null } }).canWake).toBe(false);
    expect(powerView({ ...off, power: { ...off.power, action: 'WAKE', attempts: 2 } })).toMatchObject({ canWake: false, line: 'magic packet 2 sent to 52:54:00:00:00:01' });
    expect(powerView({ ...off, power: { ...off.power, detail: 'did not wake after 3 magic packets' } }).line).toBe('did not wake after 3 magic packets');
    expect(sessionHostStateWords({ ...off, power: { action: 'WAKE' } }).label).toBe('Waking');
    expect(sessionHostStateWords(off).label).toBe('Powered off');
    expect(sessionHostStateWords({ ...base, power: { action: 'POWER_OFF' } }).label).toBe('Powering off');
  });

  it('checks a MAC and a wake address the way the broker does', () => {
    expect(powerSettingsErrors('', '')).toEqual({});
    expect(powerSettingsErrors('52-54-00-AA-bb-01', '10.1.2.255')).toEqual({});
    expect(powerSettingsErrors('52:54:00', '')).toHaveProperty('wakeMac');
    expect(powerSettingsErrors('', '10.1.2.255:70000')).toHaveProperty('wakeAddress');
    expect(powerSettingsErrors('', '[fe80::1]:9')).toEqual({});
    expect(powerSettingsErrors('', 'fe80::1')).toEqual({});
    expect(powerSettingsErrors('', 'host name:9')).toHaveProperty('wakeAddress');
  });
});
