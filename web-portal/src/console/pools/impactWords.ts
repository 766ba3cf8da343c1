/**
 * What disabling or deleting a pool does, in words, from the broker's figures (GET /api/v1/admin/pools/{id}/impact):
 * the numbers, not a generic warning.
 */
import type { PoolImpact } from '../adminTypes';

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const isAre = (count: number) => (count === 1 ? 'is' : 'are');

/** What disabling the pool does now. */
export function disableWords(i: PoolImpact): string[] {
  const d = i.whenDisabled;
  const lines: string[] = [];
  lines.push(
    d.entitledUsers
      ? `${n(d.entitledUsers, 'entitled user')} can no longer start a session in it: they are told IT has switched it off.`
      : 'Nobody is entitled to it, so nobody is refused.',
  );
  lines.push(
    d.liveSessionsGoOn
      ? `${n(d.liveSessionsGoOn, 'live session')} of ${n(d.usersWithLiveSessions, 'user')} ${d.liveSessionsGoOn === 1 ? 'goes' : 'go'} on: ` +
          'their users can return to them until they end (the pool’s timeouts still apply).'
      : 'No session is running in it: none is affected.',
  );
  lines.push(
    `Its ${n(d.desktopsKept, 'desktop')} ${d.desktopsKept === 1 ? 'stays' : 'stay'} as ${d.desktopsKept === 1 ? 'it is' : 'they are'}` +
      (d.provisioningGoesOn ? `; provisioning keeps ${n(d.spareDesktopsKeptStarted, 'spare desktop')} started meanwhile.` : '.'),
  );
  lines.push('Entitlements and licences stay; enabling the pool again undoes this.');
  return lines;
}

/** What deleting the pool does now. */
export function deleteWords(i: PoolImpact): string[] {
  const d = i.whenDeleted;
  const lines: string[] = [];
  lines.push(
    d.sessionsEnded
      ? `${n(d.sessionsEnded, 'live session')} of ${n(d.usersAffected, 'user')} ${d.sessionsEnded === 1 ? 'ends' : 'end'} now ` +
          `(${d.connectedSessionsEnded} connected, ${d.disconnectedSessionsEnded} disconnected, ${d.startingSessionsEnded} starting): unsaved work in them is lost.`
      : 'No session is running in it.',
  );
  if (d.sessionHistoryRemoved) {
    lines.push(`The records of ${n(d.sessionHistoryRemoved, 'ended session')} go with the pool (the audit trail and usage keep theirs).`);
  }
  if (d.desktopsRemoved) {
    const parts: string[] = [];
    if (d.machinesDeleted) {
      parts.push(`${n(d.machinesDeleted, 'virtual machine')} Deskport created ${isAre(d.machinesDeleted)} deleted, with ${d.machinesDeleted === 1 ? 'its disk' : 'their disks'}`);
    }
    if (d.registeredDesktopsForgotten) {
      parts.push(`${n(d.registeredDesktopsForgotten, 'registered machine')} ${d.registeredDesktopsForgotten === 1 ? 'keeps' : 'keep'} running, forgotten by Deskport`);
    }
    lines.push(
      `${n(d.desktopsRemoved, 'desktop')} ${isAre(d.desktopsRemoved)} removed: ${parts.join('; ')}.` +
        (d.assignedDesktopsRemoved ? ` ${d.assignedDesktopsRemoved} of them ${isAre(d.assignedDesktopsRemoved)} assigned to a user now.` : ''),
    );
  } else {
    lines.push('It has no desktops.');
  }
  if (d.sessionHostsRemoved) {
    lines.push(`${n(d.sessionHostsRemoved, 'session host')} ${isAre(d.sessionHostsRemoved)} removed: their agents, no longer accepted, log off every session there and stop; the machines keep running.`);
  }
  const entitlements = d.userEntitlementsRemoved + d.groupEntitlementsRemoved;
  lines.push(
    entitlements
      ? `${n(d.userEntitlementsRemoved, 'user entitlement')} and ${n(d.groupEntitlementsRemoved, 'group entitlement')} ${isAre(entitlements)} removed: ${n(d.entitledUsersLosingAccess, 'person', 'people')} ${d.entitledUsersLosingAccess === 1 ? 'loses' : 'lose'} the pool.`
      : 'Nobody is entitled to it.',
  );
  const seats = d.desktopSeatsFreed + d.concurrentSeatsFreed;
  if (d.licenceProducts.length || seats) {
    lines.push(
      `${n(seats, 'licence seat')} ${isAre(seats)} given back (${d.desktopSeatsFreed} per desktop, ${d.concurrentSeatsFreed} concurrent-user)` +
        (d.licenceProducts.length ? `; it no longer consumes ${d.licenceProducts.map((p) => `“${p}”`).join(', ')}` : '') +
        '. Named-user and device seats stay with their holders.',
    );
  }
  if (d.imageVersionsRemoved) {
    lines.push(`${n(d.imageVersionsRemoved, 'image version')} of the pool ${isAre(d.imageVersionsRemoved)} removed (the image files stay).`);
  }
  lines.push('This cannot be undone.');
  return lines;
}

/** What disabling did. */
export function disabledWords(i: PoolImpact): string {
  const live = i.whenDisabled.liveSessionsGoOn;
  return `“${i.poolName}” is disabled: new sessions are refused${live ? `; ${n(live, 'live session')} ${live === 1 ? 'goes' : 'go'} on` : ''}.`;
}

/** What deleting did. */
export function deletedWords(i: PoolImpact): string {
  const d = i.whenDeleted;
  const seats = d.desktopSeatsFreed + d.concurrentSeatsFreed;
  return (
    `“${i.poolName}” is deleted: ${n(d.sessionsEnded, 'session')} ended, ${n(d.desktopsRemoved, 'desktop')} removed` +
    (d.machinesDeleted ? ` (${n(d.machinesDeleted, 'virtual machine')} being deleted)` : '') +
    (seats ? `, ${n(seats, 'licence seat')} given back` : '') +
    '.'
  );
}
