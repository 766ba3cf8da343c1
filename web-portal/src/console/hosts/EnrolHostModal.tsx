import { useEffect, useState, type FormEvent } from 'react';
import { Button, Form, FormGroup, FormSelect, FormSelectOption, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';
import { Link } from 'react-router-dom';

import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminPool } from '../adminTypes';
import { useConsole } from '../ConsoleContext';
import { FieldError, ProblemAlert } from '../controls';
import { fieldErrors as readFieldErrors } from '../editFlow';
import { EnrolmentCommand } from './EnrolmentCommand';
import type { AgentHostCreated, EnrolmentTokenIssued, SessionHostDetail } from './hostTypes';

/**
 * Adds a session host to a shared pool (its agent enrols itself with a one-time token), or issues a new token for a
 * host already there (`host` given: earlier unused tokens stop working). Either way ends on the command to run.
 */
export function EnrolHostModal({ host, onClose, onDone }: { host?: SessionHostDetail; onClose(): void; onDone(): void }) {
  const { client } = useConsole();
  const [pools, setPools] = useState<AdminPool[] | null>(host ? [] : null);
  const [poolId, setPoolId] = useState('');
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<{ name: string; token: string; expiresAt: string } | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (host) return;
    client
      .page<AdminPool>('/api/v1/admin/pools?kind=SHARED&sort=name&limit=1000')
      .then((p) => {
        setPools(p.rows);
        if (p.rows.length === 1) setPoolId(p.rows[0].id);
      })
      .catch((e: unknown) => {
        setPools([]);
        setProblem(humanError(e, 'admin'));
      });
  }, [client, host]);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      if (host) {
        const t = (await client.send<EnrolmentTokenIssued>('POST', `/api/v1/admin/session-hosts/${encodeURIComponent(host.id)}/enrolment-token`)).value;
        setIssued({ name: host.name, token: t.enrolmentToken, expiresAt: t.expiresAt });
      } else {
        const c = (await client.send<AgentHostCreated>('POST', `/api/v1/admin/pools/${encodeURIComponent(poolId)}/session-hosts/enrolments`, { name: name.trim() })).value;
        setIssued({ name: c.host.name, token: c.enrolmentToken, expiresAt: c.expiresAt });
      }
      onDone();
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };

  const title = host ? `New enrolment token for ${host.name}` : 'Add a session host';
  return (
    <Modal variant="large" isOpen onClose={onClose} aria-labelledby="enrol-title">
      <ModalHeader title={title} labelId="enrol-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        {issued ? (
          <EnrolmentCommand hostName={issued.name} token={issued.token} expiresAt={issued.expiresAt} />
        ) : host ? (
          <p>
            A new one-time token lets the agent on {host.name} enrol again (after a reinstall, or a revoked credential). Tokens
            issued earlier and not used yet stop working.
          </p>
        ) : pools && pools.length === 0 && !problem ? (
          <p data-testid="no-shared-pool">
            Session hosts serve <em>shared</em> pools, and this organisation has none yet. <Link to="/console/pools">Create a shared pool</Link>{' '}
            first, then add its hosts here.
          </p>
        ) : (
          <Form id="enrol-form" onSubmit={(e) => void submit(e)}>
            <FormGroup label="Shared pool" isRequired fieldId="enrol-pool">
              <FormSelect id="enrol-pool" value={poolId} onChange={(_e, v) => setPoolId(v)} isRequired>
                <FormSelectOption value="" label="Choose a pool" isPlaceholder />
                {(pools ?? []).map((p) => (
                  <FormSelectOption key={p.id} value={p.id} label={p.name} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label="Host name" isRequired fieldId="enrol-name">
              <TextInput
                id="enrol-name"
                isRequired
                value={name}
                onChange={(_e, v) => setName(v)}
                validated={errors.name ? 'error' : 'default'}
                aria-describedby={errors.name ? 'enrol-name-error' : undefined}
              />
              <FieldError id="enrol-name-error" message={errors.name} />
            </FormGroup>
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        {issued ? (
          <Button onClick={onClose}>Done</Button>
        ) : (
          <>
            {host ? (
              <Button onClick={() => void submit()} isLoading={busy} isDisabled={busy}>
                Issue new token
              </Button>
            ) : (
              <Button type="submit" form="enrol-form" isLoading={busy} isDisabled={busy || !poolId || !name.trim()}>
                Create host and token
              </Button>
            )}
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
          </>
        )}
      </ModalFooter>
    </Modal>
  );
}
