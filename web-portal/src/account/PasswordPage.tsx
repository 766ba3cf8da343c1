import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  PageSection,
  TextInput,
  Title,
} from '@patternfly/react-core';

import { api } from '../api/http';
import { useAuth } from '../auth';
import { checkPasswordForm, MIN_PASSWORD_LENGTH, passwordChangeProblem, type PasswordFormProblem } from './passwordChange';

/** A user changes their own password (local accounts), giving the current one. */
export function PasswordPage() {
  const { user } = useAuth();
  const minLength = user?.passwordMinLength ?? MIN_PASSWORD_LENGTH;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<PasswordFormProblem | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const invalid = checkPasswordForm(current, next, repeat, minLength);
    setProblem(invalid);
    if (invalid) {
      return;
    }
    setBusy(true);
    try {
      await api('POST', '/api/v1/me/password', { currentPassword: current, newPassword: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setProblem(passwordChangeProblem(err));
    } finally {
      setBusy(false);
    }
  }

  const helper = (field: PasswordFormProblem['field']) =>
    problem?.field === field ? (
      <FormHelperText>
        <HelperText>
          <HelperTextItem variant="error" data-testid={`password-problem-${field}`}>
            {problem.message}
          </HelperTextItem>
        </HelperText>
      </FormHelperText>
    ) : null;

  return (
    <PageSection isFilled aria-labelledby="password-title">
      <Title headingLevel="h1" id="password-title" className="pf-v6-u-mb-md">
        Change your password
      </Title>
      <div aria-live="polite">
        {done && (
          <Alert variant="success" isInline title="Your password was changed." className="pf-v6-u-mb-md" data-testid="password-changed">
            Use it from now on. Other browsers and devices where you were signed in have been signed out; your desktops keep running.
          </Alert>
        )}
        {problem && problem.field === null && (
          <Alert variant="danger" isInline title="Not changed" className="pf-v6-u-mb-md" data-testid="password-problem">
            {problem.message}
          </Alert>
        )}
      </div>
      <Form onSubmit={submit} aria-label="Change your password" style={{ maxWidth: '28rem' }}>
        <FormGroup label="Current password" isRequired fieldId="password-current">
          <TextInput id="password-current" type="password" isRequired value={current} autoComplete="current-password"
            validated={problem?.field === 'currentPassword' ? 'error' : 'default'} onChange={(_e, v) => setCurrent(v)} />
          {helper('currentPassword')}
        </FormGroup>
        <FormGroup label="New password" isRequired fieldId="password-new">
          <TextInput id="password-new" type="password" isRequired value={next} autoComplete="new-password"
            validated={problem?.field === 'newPassword' ? 'error' : 'default'} onChange={(_e, v) => setNext(v)} />
          {helper('newPassword') ?? (
            <FormHelperText>
              <HelperText>
                <HelperTextItem>At least {minLength} characters.</HelperTextItem>
              </HelperText>
            </FormHelperText>
          )}
        </FormGroup>
        <FormGroup label="New password again" isRequired fieldId="password-repeat">
          <TextInput id="password-repeat" type="password" isRequired value={repeat} autoComplete="new-password"
            validated={problem?.field === 'repeat' ? 'error' : 'default'} onChange={(_e, v) => setRepeat(v)} />
          {helper('repeat')}
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>
            Change password
          </Button>
          <Link to="/">Back to my desktops</Link>
        </ActionGroup>
      </Form>
    </PageSection>
  );
}
