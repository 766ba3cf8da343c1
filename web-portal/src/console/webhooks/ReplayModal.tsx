import { useState } from 'react';
import { Button, Content, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, Radio, TextInput } from '@patternfly/react-core';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { FieldError, ProblemAlert } from '../controls';
import { eventTypesWords, replayRequest, type ReplayForm } from './webhookLogic';
import type { WebhookReplay, WebhookSubscription } from './webhookTypes';

/**
 * Sends a range of events to a subscription again, by the time they were written or by the export API's cursors. The
 * broker does not count a range ahead, so the dialog says what is sent rather than how many; the delivery log then
 * shows each as a replay.
 */
export function ReplayModal({ path, subscription, onClose, onReplayed }: { path: string; subscription: WebhookSubscription; onClose(): void; onReplayed(r: WebhookReplay): void }) {
  const { client } = useConsole();
  const [form, setForm] = useState<ReplayForm>({ mode: 'time', from: '', to: '', after: '', until: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    const request = replayRequest(form);
    if ('problems' in request) {
      setErrors(request.problems);
      return;
    }
    setErrors({});
    setBusy(true);
    setProblem(null);
    try {
      onReplayed((await client.send<WebhookReplay>('POST', `${path}/replay`, request.body)).value);
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: 'from' | 'to' | 'after' | 'until', label: string, type: string, help?: string) => (
    <FormGroup label={label} fieldId={`replay-${name}`}>
      <TextInput
        id={`replay-${name}`}
        type={type as 'text'}
        value={form[name]}
        onChange={(_e, v) => setForm({ ...form, [name]: v })}
        placeholder={help}
        validated={errors[name] ? 'error' : 'default'}
        aria-describedby={errors[name] ? `replay-${name}-error` : undefined}
      />
      <FieldError id={`replay-${name}-error`} message={errors[name]} />
    </FormGroup>
  );

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="replay-title" aria-describedby="replay-what">
      <ModalHeader title="Send events again?" labelId="replay-title" titleIconVariant="warning" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Content component="p" id="replay-what">
          Every event of the range that this subscription is sent ({eventTypesWords(subscription.eventTypes).toLowerCase()}) goes to{' '}
          <strong>{subscription.url}</strong> again, after what it is being sent now, each with its own <code>webhook-id</code>: a receiver that
          de-duplicates drops the ones it has. The broker does not count a range before sending it; the delivery log lists each one, marked
          “replay”.
        </Content>
        <Form
          id="replay-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <FormGroup role="radiogroup" fieldId="replay-mode" label="Range" isInline>
            <Radio id="replay-by-time" name="replay-mode" label="By the time events were written" isChecked={form.mode === 'time'} onChange={() => setForm({ ...form, mode: 'time' })} />
            <Radio id="replay-by-cursor" name="replay-mode" label="By cursor (the export API’s)" isChecked={form.mode === 'cursor'} onChange={() => setForm({ ...form, mode: 'cursor' })} />
          </FormGroup>
          {form.mode === 'time' ? (
            <>
              {field('from', 'From (your browser’s time)', 'datetime-local')}
              {field('to', 'To (left empty: up to now)', 'datetime-local')}
            </>
          ) : (
            <>
              {field('after', 'After (exclusive; empty: from the first event)', 'text', 'e.g. 4711.12')}
              {field('until', 'Until (inclusive; empty: up to now)', 'text', 'e.g. 4711.99')}
            </>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="replay-form" variant="danger" isLoading={busy} isDisabled={busy}>
          Send again
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
