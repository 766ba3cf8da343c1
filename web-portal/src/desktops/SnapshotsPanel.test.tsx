import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { DesktopSnapshot, MyPool } from '../api/types';
import { SnapshotsPanel } from './SnapshotsPanel';
import { quotaWords, restoreWarning, sizeWords, snapshotWords } from './snapshotWords';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

const pool: MyPool = { id: 'p1', name: 'My workstation', description: null, kind: 'PERSISTENT', enabled: true, session: null } as MyPool;

const saved: DesktopSnapshot = {
  id: 's1',
  desktopId: 'd1',
  kind: 'ON_DEMAND',
  state: 'READY',
  scheduledFor: null,
  requestedBy: 'alice',
  label: 'Before the upgrade',
  sizeMiB: 259,
  withMemory: true,
  error: null,
  createdAt: '2026-12-06T10:00:00Z',
  takenAt: '2026-12-06T10:00:05Z',
};

type Call = { method: string; url: string; body: unknown };

function stub(answer: (c: Call) => Response) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const c = { method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined };
      calls.push(c);
      return answer(c);
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe('SnapshotsPanel', () => {
  it('saves the desktop now and lists the new saved state', async () => {
    let list = [saved];
    const calls = stub((c) => {
      if (c.method === 'POST') {
        const created = { ...saved, id: 's2', label: null, state: 'CREATING', sizeMiB: null, takenAt: null };
        list = [...list, created as DesktopSnapshot];
        return json(202, created);
      }
      return json(200, { desktopId: 'd1', usedMiB: 259, quotaMiB: null, snapshots: list });
    });
    render(<SnapshotsPanel pool={pool} />);

    await userEvent.click(screen.getByRole('button', { name: 'Saved states of your desktop' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Save my desktop now: My workstation' }));

    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/pools/p1/snapshots']);
    expect(await screen.findByTestId('snapshot-notice')).toHaveTextContent('Your desktop is being saved');
    const items = await screen.findAllByTestId('snapshot');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Before the upgrade');
    expect(items[0]).toHaveTextContent('by alice · saved · 259 MiB');
    expect(items[1]).toHaveTextContent('being saved');
  });

  it('shows the broker’s warning and restores only after the user confirms', async () => {
    const calls = stub((c) => {
      if (c.url.endsWith('/restore')) {
        return (c.body as { confirm: boolean }).confirm
          ? json(202, { ...saved, state: 'RESTORING' })
          : json(
              409,
              {
                reason: 'CONFIRMATION_REQUIRED',
                warning: 'The session on this desktop will be logged off (unsaved work in it is lost), and everything written since 10:00 will be lost.',
                sessionWillBeLoggedOff: true,
              },
              'application/problem+json',
            );
      }
      return json(200, { desktopId: 'd1', usedMiB: 259, quotaMiB: 1024, snapshots: [saved] });
    });
    const restored = vi.fn();
    render(<SnapshotsPanel pool={pool} onRestored={restored} />);
    await userEvent.click(screen.getByRole('button', { name: 'Saved states of your desktop' }));

    await userEvent.click(await screen.findByRole('button', { name: 'Restore Before the upgrade' }));
    const dialog = await screen.findByRole('dialog', { name: /Restore this saved state\?/ });
    expect(within(dialog).getByTestId('restore-warning')).toHaveTextContent('will be logged off');
    expect(restored).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));

    const restores = calls.filter((c) => c.url.endsWith('/restore'));
    expect(restores.map((c) => c.body)).toEqual([{ confirm: false }, { confirm: true }]);
    expect(restored).toHaveBeenCalledTimes(1);
    expect(await screen.findByTestId('snapshot-notice')).toHaveTextContent('being restored');
  });

  it('does nothing when the user cancels the restore', async () => {
    const calls = stub((c) =>
      c.url.endsWith('/restore')
        ? json(409, { reason: 'CONFIRMATION_REQUIRED', warning: 'Everything written since will be lost.' }, 'application/problem+json')
        : json(200, { desktopId: 'd1', usedMiB: 0, quotaMiB: null, snapshots: [saved] }),
    );
    render(<SnapshotsPanel pool={pool} />);
    await userEvent.click(screen.getByRole('button', { name: 'Saved states of your desktop' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Restore Before the upgrade' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));

    expect(calls.filter((c) => c.url.endsWith('/restore'))).toHaveLength(1);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('says so when the quota is used up, and refuses to save', async () => {
    stub(() => json(200, { desktopId: 'd1', usedMiB: 2048, quotaMiB: 1024, snapshots: [saved] }));
    render(<SnapshotsPanel pool={pool} />);
    await userEvent.click(screen.getByRole('button', { name: 'Saved states of your desktop' }));

    expect(await screen.findByTestId('snapshot-quota')).toHaveTextContent('2.0 GiB of 1.0 GiB used by snapshots — delete a saved state');
    expect(screen.getByRole('button', { name: 'Save my desktop now: My workstation' })).toBeDisabled();
  });

  it('tells a user without a desktop in the pool how to get one', async () => {
    stub(() => json(404, { reason: 'NOT_FOUND' }, 'application/problem+json'));
    render(<SnapshotsPanel pool={pool} />);
    await userEvent.click(screen.getByRole('button', { name: 'Saved states of your desktop' }));

    expect(await screen.findByText(/connect once to get one/)).toBeInTheDocument();
  });
});

describe('snapshot words', () => {
  it('names scheduled and saved snapshots and their state', () => {
    const t = (iso: string) => iso.slice(0, 10);
    expect(snapshotWords({ ...saved, label: null }, t).title).toBe('Saved 2026-12-06');
    expect(snapshotWords({ ...saved, kind: 'SCHEDULED', label: null, scheduledFor: '2026-12-05T02:00:00Z', takenAt: null, state: 'CREATING', sizeMiB: null }, t)).toEqual({
      title: 'Daily snapshot of 2026-12-05',
      detail: 'scheduled · being saved',
      busy: true,
    });
    expect(snapshotWords({ ...saved, state: 'FAILED', error: 'SNAPSHOT_QUOTA: full' }, t).detail).toBe('by alice · failed · 259 MiB · SNAPSHOT_QUOTA: full');
  });

  it('puts sizes and the quota in words', () => {
    expect(sizeWords(259)).toBe('259 MiB');
    expect(sizeWords(1536)).toBe('1.5 GiB');
    expect(quotaWords({ usedMiB: 100, quotaMiB: null })).toEqual({ text: '100 MiB used by snapshots', full: false });
    expect(quotaWords({ usedMiB: 1024, quotaMiB: 1024 }).full).toBe(true);
  });

  it('reads the warning of the broker’s answer', () => {
    expect(restoreWarning({ reason: 'CONFIRMATION_REQUIRED', warning: 'W', sessionWillBeLoggedOff: true })).toEqual({ text: 'W', logsOff: true });
    expect(restoreWarning(undefined).text).toMatch(/will be lost/);
  });
});
