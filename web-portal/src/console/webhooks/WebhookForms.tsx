import { useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  ClipboardCopy,
  Content,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
  TextInput,
} from '@patternfly/react-core';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { fieldErrors as fieldErrorsOf } from '../editFlow';
import { ApiError } from '../../api/http';
import { FieldError, ProblemAlert, StaleAlert } from '../controls';
import { useVersionedEdit } from '../useVersionedEdit';
import { EVENT_TYPES, OVERLAPS, changeBody, createBody, formOf, formProblems, overlapWords, type SubscriptionForm } from './webhookLogic';
import type { WebhookSubscription, WebhookWithSecret } from './webhookTypes';

function Fields({ form, onChange, errors }: { form: SubscriptionForm; onChange(f: SubscriptionForm): void; errors: Record<string, string> }) {
  const toggle = (type: string, on: boolean) =>
    onChange({ ...form, eventTypes: on ? [...form.eventTypes, type] : form.eventTypes.filter((t) => t !== type) });
  return (
    <>
      <FormGroup label="Endpoint URL" isRequired fieldId="webhook-url">
        <TextInput
          id="webhook-url"
          isRequired
          type="url"
          value={form.url}
          onChange={(_e, v) => onChange({ ...form, url: v })}
          placeholder="https://billing.example.com/hooks/deskport"
          validated={errors.url ? 'error' : 'default'}
          aria-describedby={errors.url ? 'webhook-url-error' : undefined}
        />
        <FieldError id="webhook-url-error" message={errors.url} />
      </FormGroup>
      <FormGroup label="Description" fieldId="webhook-description">
        <TextInput id="webhook-description" value={form.description} onChange={(_e, v) => onChange({ ...form, description: v })} />
      </FormGroup>
      <FormGroup label="Events sent" fieldId="webhook-all-types" role="group" isStack>
        <Checkbox
          id="webhook-all-types"
          label="Every event type (also the ones Deskport adds later)"
          isChecked={form.allTypes}
          onChange={(_e, on) => onChange({ ...form, allTypes: on })}
        />
        {!form.allTypes &&
          EVENT_TYPES.map((t) => (
            <Checkbox
              key={t.value}
              id={`webhook-type-${t.value.replace(/\W/g, '-')}`}
              label={t.label}
              description={t.value}
              isChecked={form.eventTypes.includes(t.value)}
              onChange={(_e, on) => toggle(t.value, on)}
            />
          ))}
        <FieldError id="webhook-types-error" message={errors.eventTypes} />
      </FormGroup>
    </>
  );
}

/** A new subscription: the endpoint, its events; the answer carries the signing secret, shown next and never again. */
export function CreateSubscriptionModal({ path, onClose, onCreated }: { path: string; onClose(): void; onCreated(s: WebhookWithSecret): void }) {
  const { client } = useConsole();
  const [form, setForm] = useState<SubscriptionForm>(() => formOf(null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const mine = formProblems(form);
    setErrors(mine);
    if (Object.keys(mine).length) return;
    setBusy(true);
    setProblem(null);
    try {
      onCreated((await client.send<WebhookWithSecret>('POST', path, createBody(form))).value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(fieldErrorsOf(err instanceof ApiError ? err.problem : undefined));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="webhook-create-title">
      <ModalHeader title="New webhook subscription" labelId="webhook-create-title" description="It is sent the usage events committed from now on, each signed (Standard Webhooks); older ones can be replayed." />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Form id="webhook-create-form" onSubmit={(e) => void submit(e)}>
          <Fields form={form} onChange={setForm} errors={errors} />
          <Checkbox id="webhook-enabled" label="Start sending at once" isChecked={form.enabled} onChange={(_e, on) => setForm({ ...form, enabled: on })} />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="webhook-create-form" isLoading={busy} isDisabled={busy}>
          Create subscription
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** Changes a subscription from the version read when the dialog opened (If-Match): a stale edit is told, theirs offered. */
export function EditSubscriptionModal({ path, onClose, onSaved }: { path: string; onClose(): void; onSaved(s: WebhookSubscription): void }) {
  const edit = useVersionedEdit<WebhookSubscription>(path);
  const [form, setForm] = useState<SubscriptionForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (edit.current && !form) setForm(formOf(edit.current.value));
  }, [edit.current, form]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form || !edit.current) return;
    const mine = formProblems(form);
    setErrors(mine);
    if (Object.keys(mine).length) return;
    const change = changeBody(edit.current.value, form);
    if (Object.keys(change).length === 0) {
      onClose();
      return;
    }
    const saved = await edit.save(change);
    if (saved) onSaved(saved);
  };
  const shown = { ...errors, ...edit.fieldErrors };
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="webhook-edit-title">
      <ModalHeader title="Edit webhook subscription" labelId="webhook-edit-title" description="Saved over the version you opened: if another admin saved first, you are told and nothing is overwritten." />
      <ModalBody>
        <ProblemAlert problem={edit.loadProblem} />
        {edit.stale && edit.saveProblem ? (
          <StaleAlert problem={edit.saveProblem} onReload={() => void edit.reload().then((s) => s && setForm(formOf(s)))} />
        ) : (
          <ProblemAlert problem={edit.saveProblem} />
        )}
        {!form ? (
          !edit.loadProblem && <Spinner aria-label="Loading the subscription" />
        ) : (
          <Form id="webhook-edit-form" onSubmit={(e) => void submit(e)}>
            <Fields form={form} onChange={setForm} errors={shown} />
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="webhook-edit-form" isLoading={edit.saving} isDisabled={edit.saving || !form || edit.stale}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** The signing secret, shown this once, to copy; after a rotation, what the overlap means for the receiver. */
export function SecretModal({ subscription, rotated, onClose }: { subscription: WebhookWithSecret; rotated: boolean; onClose(): void }) {
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="webhook-secret-title">
      <ModalHeader title={rotated ? 'The new signing secret' : 'The signing secret'} labelId="webhook-secret-title" titleIconVariant="warning" />
      <ModalBody>
        <Content component="p">
          Copy it into the receiver at <strong>{subscription.url}</strong> now: it is shown this once, never again (not in a list, a log or the audit
          trail). The receiver checks each delivery’s <code>webhook-signature</code> with it (Standard Webhooks).
        </Content>
        <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="The signing secret" copyAriaLabel="Copy the signing secret" data-testid="webhook-secret">
          {subscription.secret}
        </ClipboardCopy>
        {rotated && (
          <Alert variant="info" isInline title="Both secrets sign for a while" className="pf-v6-u-mt-md" data-testid="webhook-overlap">
            {overlapWords(subscription.previousSecretValidUntil)}
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>
        <Button onClick={onClose}>I have copied it</Button>
      </ModalFooter>
    </Modal>
  );
}

/** Asks for a new secret, with how long the current one goes on signing beside it. */
export function RotateSecretModal({ path, subscription, onClose, onRotated }: { path: string; subscription: WebhookSubscription; onClose(): void; onRotated(s: WebhookWithSecret): void }) {
  const { client } = useConsole();
  const [overlap, setOverlap] = useState('PT24H');
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const rotate = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onRotated((await client.send<WebhookWithSecret>('POST', `${path}/rotate-secret`, { previousSecretValidFor: overlap })).value);
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="webhook-rotate-title">
      <ModalHeader title="Rotate the signing secret?" labelId="webhook-rotate-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Content component="p">
          A new secret for <strong>{subscription.url}</strong> is made and shown once. So that the receiver can switch without losing a
          delivery, the current secret goes on signing beside the new one for a while: each delivery then carries two signatures.
        </Content>
        <label htmlFor="webhook-overlap" className="dp-filter-label">
          The current secret keeps signing for
        </label>
        <FormSelect id="webhook-overlap" value={overlap} onChange={(_e, v) => setOverlap(v)}>
          {OVERLAPS.map((o) => (
            <FormSelectOption key={o.value} value={o.value} label={o.label} />
          ))}
        </FormSelect>
      </ModalBody>
      <ModalFooter>
        <Button onClick={() => void rotate()} isLoading={busy} isDisabled={busy}>
          Rotate secret
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** Enables or disables a subscription from the version read when the dialog opened (If-Match). */
export function EnableModal({ path, enable, onClose, onSaved }: { path: string; enable: boolean; onClose(): void; onSaved(s: WebhookSubscription): void }) {
  const edit = useVersionedEdit<WebhookSubscription>(path);
  const s = edit.current?.value;
  const already = s && s.enabled === enable;
  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="webhook-enable-title">
      <ModalHeader title={enable ? 'Enable this subscription?' : 'Disable this subscription?'} labelId="webhook-enable-title" titleIconVariant={enable ? undefined : 'warning'} />
      <ModalBody>
        <ProblemAlert problem={edit.loadProblem} />
        {edit.stale && edit.saveProblem ? <StaleAlert problem={edit.saveProblem} onReload={() => void edit.reload()} /> : <ProblemAlert problem={edit.saveProblem} />}
        {!s && !edit.loadProblem && <Spinner aria-label="Loading the subscription" />}
        {s && already && <Content component="p">It is {enable ? 'enabled' : 'disabled'} already (someone changed it meanwhile).</Content>}
        {s && !already &&
          (enable ? (
            <Content component="p">
              Delivery to <strong>{s.url}</strong> resumes where it stopped: every event since it was disabled is sent, its waiting retries at once.
            </Content>
          ) : (
            <Content component="p">
              Nothing more is sent to <strong>{s.url}</strong>; events go on being recorded, and enabling it later sends every one of them.
            </Content>
          ))}
      </ModalBody>
      <ModalFooter>
        <Button
          variant={enable ? 'primary' : 'danger'}
          onClick={() => void edit.save({ enabled: enable }).then((saved) => saved && onSaved(saved))}
          isLoading={edit.saving}
          isDisabled={!s || !!already || edit.saving || edit.stale}
        >
          {enable ? 'Enable' : 'Disable'}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
