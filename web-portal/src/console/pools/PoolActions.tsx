import { useState } from 'react';
import {
  Alert,
  AlertActionCloseButton,
  AlertActionLink,
  Button,
  Flex,
  FlexItem,
  Form,
  FormGroup,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
  TextInput,
} from '@patternfly/react-core';
import { useNavigate } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { Versioned } from '../adminApi';
import type { AdminPool, PoolImpact } from '../adminTypes';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert } from '../controls';
import { saveVersioned } from '../editFlow';
import { deleteWords, deletedWords, disableWords, disabledWords } from './impactWords';

type Dialog = 'disable' | 'delete';

/**
 * A pool's actions for admins: edit (the wizard), enable or disable, delete. Disabling and deleting first show what
 * they would do, from the broker's figures, and then say what they did; disabling is saved from the version shown
 * (a stale version is told, with the pool's version now a click away).
 */
export function PoolActions({ pool, onSaved, onReload, onEdit }: {
  pool: Versioned<AdminPool>;
  onSaved(p: Versioned<AdminPool>): void;
  onReload(): void;
  onEdit(): void;
}) {
  const { client } = useConsole();
  const navigate = useNavigate();
  const path = `/api/v1/admin/pools/${encodeURIComponent(pool.value.id)}`;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [impact, setImpact] = useState<PoolImpact | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [typedName, setTypedName] = useState('');
  const enabled = pool.value.enabled;

  const open = async (d: Dialog) => {
    setDialog(d);
    setImpact(null);
    setProblem(null);
    setTypedName('');
    try {
      setImpact((await client.get<PoolImpact>(`${path}/impact`)).value);
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    }
  };

  const close = () => {
    setDialog(null);
    setProblem(null);
  };

  const setEnabled = async (on: boolean) => {
    setBusy(true);
    const outcome = await saveVersioned<AdminPool>(client, 'PATCH', path, pool.etag, { enabled: on });
    setBusy(false);
    setDialog(null);
    if (outcome.kind === 'saved') {
      setProblem(null);
      setStale(false);
      setDone(on ? `“${pool.value.name}” is enabled: entitled users can start sessions again.` : impact ? disabledWords(impact) : null);
      onSaved(outcome.saved);
    } else {
      setDone(null);
      setProblem(outcome.problem);
      setStale(outcome.kind === 'stale');
    }
  };

  const remove = async () => {
    if (!impact) {
      return;
    }
    setBusy(true);
    try {
      await client.send('DELETE', path);
      navigate('/console/pools', { state: { notice: deletedWords(impact) } });
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const words = impact ? (dialog === 'delete' ? deleteWords(impact) : disableWords(impact)) : [];
  return (
    <>
      {done && (
        <Alert variant="success" isInline title={done} data-testid="pool-action-done" className="pf-v6-u-mb-md" actionClose={<AlertActionCloseButton onClose={() => setDone(null)} />} />
      )}
      {!dialog && problem && (
        <Alert
          variant={problem.severity}
          isInline
          role="alert"
          title={problem.title}
          data-testid={stale ? 'stale-version' : 'problem'}
          className="pf-v6-u-mb-md"
          actionLinks={
            stale ? (
              <AlertActionLink
                onClick={() => {
                  setProblem(null);
                  setStale(false);
                  onReload();
                }}
              >
                Reload the pool
              </AlertActionLink>
            ) : undefined
          }
        >
          {problem.message} {problem.action}
        </Alert>
      )}
      <Flex className="pf-v6-u-mb-md">
        <FlexItem>
          <Button variant="primary" onClick={onEdit}>
            Edit pool
          </Button>
        </FlexItem>
        <FlexItem>
          <Button variant="secondary" isDanger={enabled} onClick={() => (enabled ? void open('disable') : void setEnabled(true))} isLoading={busy && !dialog} isDisabled={busy}>
            {enabled ? 'Disable pool' : 'Enable pool'}
          </Button>
        </FlexItem>
        <FlexItem>
          <Button variant="danger" onClick={() => void open('delete')} isDisabled={busy}>
            Delete pool
          </Button>
        </FlexItem>
      </Flex>
      {dialog && (
        <Modal variant="medium" isOpen onClose={close} aria-labelledby="pool-action-title" aria-describedby="pool-action-body">
          <ModalHeader title={dialog === 'delete' ? `Delete “${pool.value.name}”?` : `Disable “${pool.value.name}”?`} labelId="pool-action-title" titleIconVariant="warning" />
          <ModalBody id="pool-action-body">
            <ProblemAlert problem={problem} testId="confirm-problem" />
            {!impact && !problem && <Spinner size="lg" aria-label="Counting what this would do" />}
            {impact && (
              <>
                <p>{dialog === 'delete' ? 'Deleting the pool now:' : 'Disabling the pool now:'}</p>
                <List data-testid={`impact-${dialog}`}>
                  {words.map((w) => (
                    <ListItem key={w}>{w}</ListItem>
                  ))}
                </List>
                {dialog === 'delete' && (
                  <Form onSubmit={(e) => e.preventDefault()} className="pf-v6-u-mt-md">
                    <FormGroup label={`Type the pool’s name (${pool.value.name}) to delete it`} fieldId="delete-confirm-name">
                      <TextInput id="delete-confirm-name" value={typedName} onChange={(_e, v) => setTypedName(v)} autoComplete="off" />
                    </FormGroup>
                  </Form>
                )}
              </>
            )}
          </ModalBody>
          <ModalFooter>
            {dialog === 'disable' ? (
              <Button variant="danger" onClick={() => void setEnabled(false)} isLoading={busy} isDisabled={busy || !impact}>
                Disable pool
              </Button>
            ) : (
              <Button variant="danger" onClick={() => void remove()} isLoading={busy} isDisabled={busy || !impact || typedName.trim() !== pool.value.name}>
                Delete pool
              </Button>
            )}
            <Button variant="link" onClick={close}>
              Cancel
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </>
  );
}
