import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Content, Label, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';

import { ApiError } from '../../api/http';
import type { DesktopSnapshot, DesktopSnapshots, Problem } from '../../api/types';
import { quotaWords, restoreWarning, sizeWords } from '../../desktops/snapshotWords';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert, When } from '../controls';

const STATE_COLOUR: Record<DesktopSnapshot['state'], 'green' | 'blue' | 'red' | 'grey'> = {
  READY: 'green',
  CREATING: 'blue',
  RESTORING: 'blue',
  DELETING: 'grey',
  FAILED: 'red',
};

/**
 * A persistent desktop's snapshots in its details: scheduled and saved ones, what they hold against the pool's
 * quota; for admins, taking one now, restoring one (the broker's warning confirmed first: the user's session is
 * logged off) and deleting one.
 */
export function DesktopSnapshotsSection({ desktopId, admin }: { desktopId: string; admin: boolean }) {
  const { client } = useConsole();
  const base = `/api/v1/admin/desktops/${encodeURIComponent(desktopId)}/snapshots`;
  const [view, setView] = useState<DesktopSnapshots | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [restoring, setRestoring] = useState<{ snapshot: DesktopSnapshot; problem?: Problem } | null>(null);

  const load = useCallback(async () => {
    try {
      const v = (await client.get<DesktopSnapshots>(base)).value;
      // an answer without the list (an older broker) shows as no snapshots
      setView(v && Array.isArray(v.snapshots) ? v : { desktopId, usedMiB: 0, quotaMiB: null, snapshots: [] });
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    }
  }, [client, base, desktopId]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await what();
      setNotice(done);
      await load();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const askRestore = async (s: DesktopSnapshot) => {
    setProblem(null);
    try {
      await client.send('POST', `${base}/${encodeURIComponent(s.id)}/restore`, { confirm: false });
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'CONFIRMATION_REQUIRED') {
        setRestoring({ snapshot: s, problem: e.problem });
      } else {
        setProblem(humanError(e, 'admin'));
      }
    }
  };

  const quota = view ? quotaWords(view) : null;
  return (
    <section aria-label="Snapshots" data-testid="desktop-snapshots">
      <Content component="h3" className="pf-v6-u-mt-md">
        Snapshots
      </Content>
      <ProblemAlert problem={problem} />
      {notice && <Content component="p" data-testid="snapshot-admin-notice">{notice}</Content>}
      {!view && !problem && <Spinner size="md" aria-label="Loading the snapshots" />}
      {view && (
        <>
          <Content component="p">
            {quota?.text}
            {admin && (
              <Button
                variant="secondary"
                size="sm"
                className="pf-v6-u-ml-sm"
                isLoading={busy}
                isDisabled={busy || quota?.full}
                onClick={() => void act(() => client.send('POST', base, {}), 'A snapshot is being taken.')}
              >
                Take a snapshot now
              </Button>
            )}
          </Content>
          {view.snapshots.length === 0 ? (
            <Content component="p" data-testid="desktop-no-snapshots">
              No snapshots yet.
            </Content>
          ) : (
            <Table aria-label="Snapshots of the desktop" variant="compact">
              <Thead>
                <Tr>
                  <Th>Snapshot</Th>
                  <Th>State</Th>
                  <Th>Holds</Th>
                  <Th>Taken</Th>
                  {admin && <Th screenReaderText="Actions" />}
                </Tr>
              </Thead>
              <Tbody>
                {view.snapshots.map((s) => (
                  <Tr key={s.id}>
                    <Td dataLabel="Snapshot">
                      {s.label ?? (s.kind === 'SCHEDULED' ? 'Scheduled' : 'Saved')}
                      <div className="dp-secondary">{s.kind === 'SCHEDULED' ? 'by the pool’s schedule' : `by ${s.requestedBy}`}</div>
                    </Td>
                    <Td dataLabel="State">
                      <Label color={STATE_COLOUR[s.state]}>{s.state.toLowerCase()}</Label>
                      {s.error && <div className="dp-secondary">{s.error}</div>}
                    </Td>
                    <Td dataLabel="Holds">
                      {sizeWords(s.sizeMiB)}
                      {s.withMemory && <span className="dp-secondary"> (with memory)</span>}
                    </Td>
                    <Td dataLabel="Taken">{s.takenAt ? <When at={s.takenAt} /> : '—'}</Td>
                    {admin && (
                      <Td dataLabel="Actions">
                        {s.state === 'READY' && (
                          <>
                            <Button variant="link" size="sm" isInline isDisabled={busy} onClick={() => void askRestore(s)} aria-label={`Restore snapshot ${s.label ?? s.id}`}>
                              Restore
                            </Button>{' '}
                          </>
                        )}
                        {(s.state === 'READY' || s.state === 'FAILED') && (
                          <Button
                            variant="link"
                            size="sm"
                            isInline
                            isDanger
                            isDisabled={busy}
                            onClick={() => void act(() => client.send('DELETE', `${base}/${encodeURIComponent(s.id)}`), 'The snapshot is being deleted.')}
                            aria-label={`Delete snapshot ${s.label ?? s.id}`}
                          >
                            Delete
                          </Button>
                        )}
                      </Td>
                    )}
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </>
      )}
      {restoring && (
        // inline, not a second dialog over the desktop's details
        <Alert
          variant="warning"
          isInline
          title="Restore the desktop to this snapshot?"
          className="pf-v6-u-mt-sm"
          data-testid="admin-restore-confirm"
          actionLinks={
            <>
              <Button
                variant="danger"
                size="sm"
                isDisabled={busy}
                onClick={() => {
                  const s = restoring.snapshot;
                  setRestoring(null);
                  void act(
                    () => client.send('POST', `${base}/${encodeURIComponent(s.id)}/restore`, { confirm: true }),
                    'The desktop is being restored; it is powered off afterwards and starts at its user’s next connect.',
                  );
                }}
              >
                Restore
              </Button>
              <Button variant="link" size="sm" onClick={() => setRestoring(null)}>
                Cancel
              </Button>
            </>
          }
        >
          <span data-testid="admin-restore-warning">{restoreWarning(restoring.problem).text}</span>
        </Alert>
      )}
    </section>
  );
}
