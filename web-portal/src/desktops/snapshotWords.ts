import type { DesktopSnapshot, DesktopSnapshots, Problem } from '../api/types';

/** MiB in words: "259 MiB", "1.5 GiB". */
export function sizeWords(mib: number | null): string {
  if (mib === null) {
    return 'size not known yet';
  }
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}

const STATE_WORDS: Record<DesktopSnapshot['state'], string> = {
  CREATING: 'being saved',
  READY: 'saved',
  RESTORING: 'being restored',
  DELETING: 'being deleted',
  FAILED: 'failed',
};

/** A snapshot in one line: its name, when, how much it holds, what is happening to it. */
export function snapshotWords(s: DesktopSnapshot, formatTime: (iso: string) => string): { title: string; detail: string; busy: boolean } {
  const when = s.takenAt ?? s.scheduledFor ?? s.createdAt;
  const title = s.label ?? (s.kind === 'SCHEDULED' ? `Daily snapshot of ${formatTime(when)}` : `Saved ${formatTime(when)}`);
  const parts = [s.kind === 'SCHEDULED' ? 'scheduled' : `by ${s.requestedBy}`, STATE_WORDS[s.state]];
  if (s.state === 'READY' || s.sizeMiB !== null) {
    parts.push(sizeWords(s.sizeMiB));
  }
  if (s.state === 'FAILED' && s.error) {
    parts.push(s.error);
  }
  return { title, detail: parts.join(' · '), busy: s.state === 'CREATING' || s.state === 'RESTORING' || s.state === 'DELETING' };
}

/** "259 MiB of 1.0 GiB used", or "259 MiB used" without a quota; and whether the quota is used up. */
export function quotaWords(v: Pick<DesktopSnapshots, 'usedMiB' | 'quotaMiB'>): { text: string; full: boolean } {
  if (v.quotaMiB === null) {
    return { text: `${sizeWords(v.usedMiB)} used by snapshots`, full: false };
  }
  return { text: `${sizeWords(v.usedMiB)} of ${sizeWords(v.quotaMiB)} used by snapshots`, full: v.usedMiB >= v.quotaMiB };
}

/** The warning a restore needs confirmed, from the broker's CONFIRMATION_REQUIRED answer (or a default). */
export function restoreWarning(problem: Problem | undefined): { text: string; logsOff: boolean } {
  const logsOff = problem?.sessionWillBeLoggedOff === true;
  const text =
    typeof problem?.warning === 'string'
      ? problem.warning
      : 'Everything written to the desktop since this snapshot will be lost.';
  return { text, logsOff };
}

/** True while something the user started is still running, so the list is read again soon. */
export function anySnapshotBusy(v: DesktopSnapshots | null): boolean {
  return !!v && v.snapshots.some((s) => s.state === 'CREATING' || s.state === 'RESTORING' || s.state === 'DELETING');
}
