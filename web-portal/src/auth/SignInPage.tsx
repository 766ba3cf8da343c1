import { useEffect, useState, type FormEvent } from 'react';
import {
  ActionGroup,
  Alert,
  Button,
  Divider,
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
import {
  browserNavigation,
  forgetSignInError,
  loadSignInProviders,
  LOCAL_ONLY,
  organisationSignInUrl,
  signInErrorIn,
  type SignInProviders,
} from './signInProviders';

/**
 * Sign-in. When the broker has an identity provider (Keycloak), "Sign in with your organisation" leaves for the
 * broker's sign-in address, which runs the organisation's sign-in page and comes back signed in (or with a refusal
 * the page words); an e-mail address typed as the username rides along so that page does not ask for it again.
 * Local accounts stay: the organisation (tenant) is optional, empty means the default one. Platform operators
 * belong to the organisation `platform`, which is never the default: the helper text says so.
 */
export function SignInPage() {
  const { signIn, expired } = useAuth();
  const [tenant, setTenant] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(() => signInErrorIn(window.location.search));
  const [providers, setProviders] = useState<SignInProviders>(LOCAL_ONLY);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    forgetSignInError();
    let cancelled = false;
    void loadSignInProviders().then((p) => !cancelled && setProviders(p));
    return () => {
      cancelled = true;
    };
  }, []);

  function signInWithOrganisation() {
    if (!providers.organisation) {
      return;
    }
    setLeaving(true);
    browserNavigation.go(organisationSignInUrl(providers.organisation.signInUrl, username));
  }

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
      {providers.organisation && (
        <>
          <Button
            variant="primary"
            isBlock
            onClick={signInWithOrganisation}
            isLoading={leaving}
            isDisabled={leaving}
            aria-describedby="signin-organisation-help"
            data-testid="signin-organisation"
          >
            Sign in with your organisation
          </Button>
          <HelperText id="signin-organisation-help" className="pf-v6-u-mt-sm">
            <HelperTextItem>
              Your organisation's own sign-in page (single sign-on). Type your e-mail address as the username first to
              skip typing it there.
            </HelperTextItem>
          </HelperText>
          <Divider className="pf-v6-u-my-md" />
          <p className="pf-v6-u-mb-md pf-v6-u-color-200">Or with a Deskport account:</p>
        </>
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
          <Button type="submit" variant={providers.organisation ? 'secondary' : 'primary'} isBlock isLoading={busy} isDisabled={busy || !username || !password}>
            Sign in
          </Button>
        </ActionGroup>
      </Form>
    </LoginPage>
  );
}
