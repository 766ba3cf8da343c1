import { useState, type FormEvent } from 'react';
import {
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextArea,
  TextInput,
} from '@patternfly/react-core';

import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert } from '../controls';
import type { AdminPool } from '../adminTypes';
import { fieldErrors as readFieldErrors } from '../editFlow';
import { KIND_WORDS } from '../words';

/** Minutes typed by the admin → seconds for the broker; empty → left out (the broker's default: never). */
export function minutesToSeconds(minutes: string): number | undefined {
  const t = minutes.trim();
  if (t === '') {
    return undefined;
  }
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * 60) : undefined;
}

function Help({ id, error, children }: { id: string; error?: string; children?: string }) {
  if (!error && !children) {
    return null;
  }
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem variant={error ? 'error' : 'default'}>{error ?? children}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/**
 * A new pool with its kind and session policy (POST /api/v1/admin/pools). Sizing, images and entitlements are
 * set on the pool's page and through the API; the full wizard comes with the next slice.
 */
export function CreatePoolModal({ onClose, onCreated }: { onClose(): void; onCreated(p: AdminPool): void }) {
  const { client } = useConsole();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState('POOLED');
  const [idle, setIdle] = useState('');
  const [disconnected, setDisconnected] = useState('');
  const [record, setRecord] = useState(false);
  const [announce, setAnnounce] = useState(true);
  const [enabled, setEnabled] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const created = await client.send<AdminPool>('POST', '/api/v1/admin/pools', {
        name: name.trim(),
        description: description.trim() || undefined,
        kind,
        enabled,
        idleTimeoutSeconds: minutesToSeconds(idle),
        disconnectTimeoutSeconds: minutesToSeconds(disconnected),
        recordSessions: record,
        // on by default at the broker: sent only when switched off
        announceShadowing: announce ? undefined : false,
      });
      onCreated(created.value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="create-pool-title">
      <ModalHeader title="New pool" labelId="create-pool-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Form id="create-pool-form" onSubmit={(e) => void submit(e)}>
          <FormGroup label="Name" isRequired fieldId="pool-name">
            <TextInput id="pool-name" isRequired value={name} onChange={(_e, v) => setName(v)} validated={errors.name ? 'error' : 'default'} aria-describedby="pool-name-help" />
            <Help id="pool-name-help" error={errors.name}>
              What users see in My desktops.
            </Help>
          </FormGroup>
          <FormGroup label="Description" fieldId="pool-description">
            <TextArea id="pool-description" value={description} onChange={(_e, v) => setDescription(v)} resizeOrientation="vertical" />
          </FormGroup>
          <FormGroup label="Kind" isRequired fieldId="pool-kind">
            <FormSelect id="pool-kind" value={kind} onChange={(_e, v) => setKind(v)} aria-describedby="pool-kind-help">
              {Object.entries(KIND_WORDS).map(([value, label]) => (
                <FormSelectOption key={value} value={value} label={label} />
              ))}
            </FormSelect>
            <Help id="pool-kind-help">Cannot be changed later.</Help>
          </FormGroup>
          <FormGroup label="Idle sessions are disconnected after (minutes)" fieldId="pool-idle">
            <TextInput id="pool-idle" type="number" min={1} value={idle} onChange={(_e, v) => setIdle(v)} validated={errors.idleTimeoutSeconds ? 'error' : 'default'} aria-describedby="pool-idle-help" />
            <Help id="pool-idle-help" error={errors.idleTimeoutSeconds && `${errors.idleTimeoutSeconds} (in seconds)`}>
              Empty: never. At least 1 minute.
            </Help>
          </FormGroup>
          <FormGroup label="Disconnected sessions end after (minutes)" fieldId="pool-disconnected">
            <TextInput id="pool-disconnected" type="number" min={1} value={disconnected} onChange={(_e, v) => setDisconnected(v)} validated={errors.disconnectTimeoutSeconds ? 'error' : 'default'} aria-describedby="pool-disconnected-help" />
            <Help id="pool-disconnected-help" error={errors.disconnectTimeoutSeconds && `${errors.disconnectTimeoutSeconds} (in seconds)`}>
              Empty: never. Unsaved work in a session that ends is lost.
            </Help>
          </FormGroup>
          <FormGroup role="group" isStack fieldId="pool-options" label="Options">
            <Checkbox id="pool-record" label="Record every session" isChecked={record} onChange={(_e, v) => setRecord(v)} />
            <Checkbox
              id="pool-announce-shadowing"
              label="Tell users while IT views their screen"
              isChecked={announce}
              onChange={(_e, v) => setAnnounce(v)}
              description="When help desk shadows a session, the user sees who is watching, and when they stop."
            />
            <Checkbox id="pool-enabled" label="Enabled at once (users entitled to it can connect)" isChecked={enabled} onChange={(_e, v) => setEnabled(v)} description="Leave it off until its desktops and entitlements are set." />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="create-pool-form" isLoading={busy} isDisabled={busy || !name.trim()}>
          Create pool
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
