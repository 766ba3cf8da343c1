import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Content, ExpandableSection, Flex, Label, List, ListItem, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';

import { broker } from '../api/broker';
import { ApiError } from '../api/http';
import type { DesktopSnapshot, DesktopSnapshots, MyPool, Problem } from '../api/types';
import { humanError, type HumanProblem } from '../problems/problemMessages';
import { anySnapshotBusy, quotaWords, restoreWarning, snapshotWords } from './snapshotWords';

const BUSY_POLL_MS = 2000;
const timeWords = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Pending {
  snapshot: DesktopSnapshot;
  problem?: Problem;
}

/**
 * The saved states of the user's own desktop in a persistent pool, on its card: "Save my desktop now", and a
 * restore of one of them — which the broker first answers with a warning (the session is logged off, what was
 * written since is lost) that the user confirms before anything happens.
 */
export function SnapshotsPanel({ pool, onRestored }: { pool: MyPool; onRestored?(): void }) {
  const [expanded, setExpanded] = useState(false);
  const [view, setView] = useState<DesktopSnapshots | null>(null);
  const [none, setNone] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const mounted = useRef(true);

  const load = useCallback(async () => {
    try {
      const v = await broker.snapshots(pool.id);
      if (mounted.current) {
        setView(v);
        setNone(false);
      }
    } catch (e) {
      if (!mounted.current) return;
      if (e instanceof ApiError && e.status === 404) {
        setNone(true); // no desktop of the user's in this pool yet
      } else {
        setProblem(humanError(e));
      }
    }
  }, [pool.id]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (expanded) void load();
  }, [expanded, load]);
  const polling = expanded && anySnapshotBusy(view);
  useEffect(() => {
    if (!polling) return;
    const t = setInterval(() => void load(), BUSY_POLL_MS);
    return () => clearInterval(t);
  }, [polling, load]);

  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      await broker.saveSnapshot(pool.id);
      setNotice('Your desktop is being saved; you can keep working.');
      await load();
    } catch (e) {
      setProblem(humanError(e));
    } finally {
      setBusy(false);
    }
  }

  /** Asks the broker without confirming: it answers with the warning, which the dialog shows. */
  async function askRestore(s: DesktopSnapshot) {
    setProblem(null);
    try {
      await broker.restoreSnapshot(pool.id, s.id, false);
      // an older broker that needs no confirmation has started the restore already
      setNotice('Your desktop is being restored.');
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'CONFIRMATION_REQUIRED') {
        setPending({ snapshot: s, problem: e.problem });
      } else {
        setProblem(humanError(e));
      }
    }
  }

  async function restore(s: DesktopSnapshot) {
    setPending(null);
    setBusy(true);
    try {
      await broker.restoreSnapshot(pool.id, s.id, true);
      setNotice('Your desktop is being restored. It starts again when you connect.');
      onRestored?.();
      await load();
    } catch (e) {
      setProblem(humanError(e));
    } finally {
      setBusy(false);
    }
  }

  const quota = view ? quotaWords(view) : null;
  const warning = pending ? restoreWarning(pending.problem) : null;
  return (
    <ExpandableSection
      toggleText={expanded ? 'Hide saved states' : 'Saved states of your desktop'}
      onToggle={(_e, v) => setExpanded(v)}
      isExpanded={expanded}
      className="pf-v6-u-mt-sm"
      data-testid="snapshots-panel"
    >
      {notice && (
        <Alert variant="info" isInline isPlain title={notice} className="pf-v6-u-mb-sm" data-testid="snapshot-notice" />
      )}
      {problem && (
        <Alert variant={problem.severity} isInline title={problem.title} className="pf-v6-u-mb-sm" role="alert" data-testid="snapshot-problem">
          {problem.message} {problem.action}
        </Alert>
      )}
      {none && <Content component="p">You have no desktop of your own in this pool yet: connect once to get one.</Content>}
      {view && (
        <>
          <Flex gap={{ default: 'gapSm' }} alignItems={{ default: 'alignItemsCenter' }}>
            <Button variant="secondary" size="sm" onClick={() => void save()} isLoading={busy} isDisabled={busy || quota?.full} aria-label={`Save my desktop now: ${pool.name}`}>
              Save my desktop now
            </Button>
            {quota && (
              <Content component="small" data-testid="snapshot-quota">
                {quota.text}
                {quota.full && ' — delete a saved state to save another'}
              </Content>
            )}
          </Flex>
          {view.snapshots.length === 0 ? (
            <Content component="p" className="pf-v6-u-mt-sm">
              Nothing saved yet.
            </Content>
          ) : (
            <List isPlain aria-label={`Saved states of ${pool.name}`} className="pf-v6-u-mt-sm">
              {view.snapshots.map((s) => {
                const w = snapshotWords(s, timeWords);
                return (
                  <ListItem key={s.id} data-testid="snapshot">
                    <Flex gap={{ default: 'gapSm' }} alignItems={{ default: 'alignItemsCenter' }}>
                      <span>{w.title}</span>
                      <Label isCompact color={s.state === 'FAILED' ? 'red' : w.busy ? 'blue' : 'grey'}>
                        {w.detail}
                      </Label>
                      {s.state === 'READY' && (
                        <Button variant="link" size="sm" isInline onClick={() => void askRestore(s)} isDisabled={busy} aria-label={`Restore ${w.title}`}>
                          Restore
                        </Button>
                      )}
                    </Flex>
                  </ListItem>
                );
              })}
            </List>
          )}
        </>
      )}
      {pending && warning && (
        <Modal variant="small" isOpen onClose={() => setPending(null)} aria-labelledby="restore-title">
          <ModalHeader title="Restore this saved state?" labelId="restore-title" titleIconVariant="warning" />
          <ModalBody>
            <p data-testid="restore-warning">{warning.text}</p>
            {warning.logsOff && <p className="pf-v6-u-mt-sm">Save your open work in the desktop first.</p>}
          </ModalBody>
          <ModalFooter>
            <Button variant="danger" onClick={() => void restore(pending.snapshot)}>
              Restore
            </Button>
            <Button variant="link" onClick={() => setPending(null)}>
              Cancel
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </ExpandableSection>
  );
}
