import { useState, type FormEvent } from 'react';
import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  LoginPage,
  TextInput,
} from '@patternfly/react-core';

import { humanError, type HumanProblem } from '../problems/problemMessages';
import { useAuth } from './AuthContext';

/**
 * Local-account sign-in. The organisation (tenant) is optional: empty means the default one. Platform
 * operators belong to the organisation `platform`, which is never the default: the helper text says so.
 */
export function SignInPage() {
  const { signIn, expired } = useAuth();
  const [tenant, setTenant] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await signIn({ tenant, username, password });
    } catch (err) {
      setProblem(humanError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <LoginPage loginTitle="Sign in to your desktops" textContent="Deskport opens your work desktop in this browser tab.">
      {expired && !problem && (
        <Alert variant="info" isInline title="Please sign in again" className="pf-v6-u-mb-md">
          Your sign-in expired. Your running desktops keep running.
        </Alert>
      )}
      {problem && (
        <Alert variant={problem.severity} isInline title={problem.title} className="pf-v6-u-mb-md" data-testid="signin-problem">
          {problem.message} {problem.action}
        </Alert>
      )}
      <Form onSubmit={submit} aria-label="Sign in">
        <FormGroup label="Organisation" fieldId="signin-tenant">
          <TextInput
            id="signin-tenant"
            name="tenant"
            value={tenant}
            onChange={(_e, v) => setTenant(v)}
            autoComplete="organization"
            aria-describedby="signin-tenant-help"
          />
          <FormHelperText>
            <HelperText id="signin-tenant-help">
              <HelperTextItem>
                Your organisation's short name, e.g. demo; leave it empty for the default organisation. Platform operators: platform.
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
        <FormGroup label="Username" isRequired fieldId="signin-username">
          <TextInput
            id="signin-username"
            name="username"
            isRequired
            value={username}
            onChange={(_e, v) => setUsername(v)}
            autoComplete="username"
            autoFocus
          />
        </FormGroup>
        <FormGroup label="Password" isRequired fieldId="signin-password">
          <TextInput
            id="signin-password"
            name="password"
            type="password"
            isRequired
            value={password}
            onChange={(_e, v) => setPassword(v)}
            autoComplete="current-password"
          />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isBlock isLoading={busy} isDisabled={busy || !username || !password}>
            Sign in
          </Button>
        </ActionGroup>
      </Form>
    </LoginPage>
  );
}
