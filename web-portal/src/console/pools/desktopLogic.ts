/**
 * A pool's desktops on its page, without React: registering a machine by its console address (the form, its checks,
 * the request, what the broker's console check found, in words), which actions a desktop offers in its state, and a
 * desktop's provisioning history in words.
 */
import type { PoolKind } from '../../api/types';
import type { AdminDesktop, DesktopState } from '../adminTypes';

/** What the admin types to register a machine they run themselves. */
export interface RegistrationForm {
  name: string;
  consoleHost: string;
  consolePort: string;
  /** Write-only: sent once, never shown again (the broker keeps it encrypted and never returns it). */
  consolePassword: string;
  /** READY hands it to users at once; MAINTENANCE keeps it out of service until an admin returns it. */
  state: 'READY' | 'MAINTENANCE';
}

export const emptyRegistration = (): RegistrationForm => ({
  name: '',
  consoleHost: '',
  consolePort: '5900',
  consolePassword: '',
  state: 'READY',
});

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.:_-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$/;

/** What the form does not accept, field by field, in words (empty: it can be sent). */
export function registrationProblems(f: RegistrationForm): Record<string, string> {
  const e: Record<string, string> = {};
  const name = f.name.trim();
  if (!name) {
    e.name = 'Give the desktop a name: the pool’s page and the sessions list show it.';
  } else if (name.length > 200) {
    e.name = 'At most 200 characters.';
  }
  const host = f.consoleHost.trim();
  if (!host) {
    e.consoleHost = 'The address its VNC console listens on: a host name or an IP address.';
  } else if (host.length > 255 || !HOST.test(host)) {
    e.consoleHost = 'A host name or an IP address, without a scheme or a port (e.g. 10.0.4.21).';
  }
  const port = f.consolePort.trim();
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    e.consolePort = 'A port from 1 to 65,535 (VNC listens on 5900 for display :0).';
  }
  if (f.consolePassword.length > 256) {
    e.consolePassword = 'At most 256 characters.';
  }
  return e;
}

/** The request body of `POST /api/v1/admin/pools/{id}/desktops`. */
export function registrationBody(f: RegistrationForm) {
  return {
    name: f.name.trim(),
    consoleHost: f.consoleHost.trim(),
    consolePort: Number(f.consolePort.trim()),
    consolePassword: f.consolePassword === '' ? null : f.consolePassword,
    state: f.state,
  };
}

export type ConsoleCheckResult =
  | 'REACHABLE'
  | 'REFUSED'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'AUTHENTICATION_FAILED'
  | 'NOT_VNC'
  | 'ERROR'
  | 'NOT_CHECKED';

export interface ConsoleCheck {
  result: ConsoleCheckResult;
  rfbVersion: string | null;
  width: number | null;
  height: number | null;
  desktopName: string | null;
  detail: string | null;
  checkedAt: string;
}

/** The answer to a registration: the desktop, what its console said, and whether users can have it now. */
export type RegisteredDesktop = AdminDesktop & { consoleCheck: ConsoleCheck | null; desktopUsable: boolean };

export interface Outcome {
  variant: 'success' | 'warning' | 'info';
  title: string;
  body: string;
}

const FOUND: Record<Exclude<ConsoleCheckResult, 'REACHABLE' | 'NOT_CHECKED'>, string> = {
  REFUSED: 'nothing listens at that address and port (the connection was refused)',
  UNREACHABLE: 'the address cannot be reached from the broker (no route, or an unknown host name)',
  TIMEOUT: 'the console did not answer in time',
  AUTHENTICATION_FAILED: 'the VNC server refused the password, or wants one and none was given',
  NOT_VNC: 'something answered, but not a VNC server',
  ERROR: 'the VNC server broke off the handshake',
};

/** What registering did, in words: the console check's finding and what happens to the desktop now. */
export function registrationOutcome(r: RegisteredDesktop): Outcome {
  const check = r.consoleCheck;
  if (!check || check.result === 'NOT_CHECKED') {
    return {
      variant: r.desktopUsable ? 'info' : 'success',
      title: `Registered “${r.name}”`,
      body:
        (check?.detail ? `Its console was not checked (${check.detail}). ` : 'Its console was not checked. ') +
        (r.desktopUsable
          ? 'It is ready: the next user to connect may be given it — make sure its console answers.'
          : 'It stays in maintenance until you return it to service.'),
    };
  }
  if (check.result === 'REACHABLE') {
    const screen = check.width && check.height ? `, ${check.width}×${check.height}` : '';
    const named = check.desktopName ? ` “${check.desktopName}”` : '';
    return {
      variant: 'success',
      title: `Registered “${r.name}”`,
      body:
        `Its console answered: a VNC server${named} (RFB ${check.rfbVersion ?? '?'}${screen}) accepted the password. ` +
        (r.desktopUsable ? 'Entitled users can be given it now.' : 'It stays in maintenance until you return it to service.'),
    };
  }
  return {
    variant: 'warning',
    title: `Registered “${r.name}”, but not handed to users`,
    body:
      `Its console was checked and ${FOUND[check.result]}${check.detail ? ` (${check.detail})` : ''}. ` +
      'It is marked failed with this reason; fix the machine or its address, then return it to service.',
  };
}

/** A state change an admin may ask for on a desktop, as the broker allows it. */
export interface DesktopAction {
  id: 'maintenance' | 'ready' | 'refresh' | 'remove';
  label: string;
  /** The state sent to `POST /desktops/{id}/state` (refresh and remove have their own calls). */
  state?: DesktopState;
}

/** The actions a desktop offers in its state (the broker still has the last word; a refusal is shown in words). */
export function desktopActions(d: Pick<AdminDesktop, 'state' | 'managed'>, kind: PoolKind): DesktopAction[] {
  const out: DesktopAction[] = [];
  if (d.state === 'READY' || d.state === 'STOPPED' || d.state === 'FAILED') {
    out.push({ id: 'maintenance', label: 'Put in maintenance', state: 'MAINTENANCE' });
  }
  if (d.state === 'MAINTENANCE' || d.state === 'FAILED' || (!d.managed && d.state === 'STOPPED')) {
    out.push({ id: 'ready', label: 'Return to service', state: 'READY' });
  }
  if (d.managed && kind === 'POOLED' && (d.state === 'READY' || d.state === 'STOPPED' || d.state === 'STARTING')) {
    out.push({ id: 'refresh', label: 'Refresh from the image' });
  }
  if (d.state !== 'DELETING') {
    out.push({ id: 'remove', label: 'Remove' });
  }
  return out;
}

/** What removing a desktop does, in words, for the confirmation. */
export function removalWords(d: Pick<AdminDesktop, 'name' | 'state' | 'managed'>): string {
  const session = d.state === 'IN_USE' ? 'The session on it ends first (its user is disconnected). ' : '';
  const machine = d.managed
    ? 'Its virtual machine and disk are deleted from the hypervisor.'
    : 'The machine itself is not touched: Deskport only forgets its console address and password.';
  return `${session}${machine}`;
}

/** One provisioning task of a desktop, as `GET /desktops/{id}/provisioning` lists it. */
export interface ProvisioningTask {
  id: string;
  type: 'CREATE' | 'START' | 'STOP' | 'REFRESH' | 'REPLACE' | 'DELETE' | string;
  reason: string | null;
  state: 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | string;
  attempts: number;
  maxAttempts: number;
  errorReason: string | null;
  errorDetail: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  nextAttemptAt: string | null;
}

/** `GET /api/v1/admin/desktops/{id}/provisioning`. */
export interface DesktopProvisioning {
  desktopId: string;
  name: string;
  state: DesktopState;
  failureReason: string | null;
  managed: boolean;
  simulated: boolean;
  hostId: string | null;
  hostName: string | null;
  driverId: string | null;
  imageVersionId: string | null;
  imageLabel: string | null;
  consoleCheckedAt: string | null;
  lastDisconnectedAt: string | null;
  tasks: ProvisioningTask[];
}

export const TASK_WORDS: Record<string, string> = {
  CREATE: 'Clone and start',
  START: 'Power on',
  STOP: 'Shut down',
  REFRESH: 'Reset to its image',
  REPLACE: 'Rebuild from another image version',
  DELETE: 'Delete the machine',
  SNAPSHOT: 'Take a snapshot',
  RESTORE_SNAPSHOT: 'Restore a snapshot',
  DELETE_SNAPSHOT: 'Delete a snapshot',
};

/** A task's outcome in words: done, running, waiting to retry, failed with its reason. */
export function taskOutcome(t: ProvisioningTask): string {
  switch (t.state) {
    case 'SUCCEEDED':
      return t.attempts > 1 ? `done after ${t.attempts} attempts` : 'done';
    case 'RUNNING':
      return `running (attempt ${t.attempts} of ${t.maxAttempts})`;
    case 'PENDING':
      return t.attempts > 0 ? `waiting to try again (${t.attempts} of ${t.maxAttempts} attempts made)` : 'queued';
    case 'FAILED':
      return `failed after ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}${t.errorReason ? `: ${t.errorReason}` : ''}`;
    case 'CANCELLED':
      return 'cancelled (no longer needed)';
    default:
      return t.state;
  }
}
