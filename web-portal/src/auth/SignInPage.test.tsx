import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { AuthProvider, useAuth } from './AuthContext';
import { SignInPage } from './SignInPage';
import { browserNavigation } from './signInProviders';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function Shell() {
  const { user } = useAuth();
  return user ? <p>signed in as {user.username}</p> : <SignInPage />;
}

afterEach(() => vi.unstubAllGlobals());

describe('SignInPage', () => {
  it('signs in to the default organisation without keeping the token, then asks who is signed in', async () => {
    const bodies: unknown[] = [];
    let signedIn = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url === '/api/v1/auth/login') {
          bodies.push(JSON.parse(String(init?.body)));
          signedIn = true;
          return json(200, { accessToken: 'secret-token', tokenType: 'Bearer' });
        }
        return signedIn
          ? json(200, { userId: 'u', tenantId: 't', username: 'alice', roles: ['USER'] })
          : json(401, { reason: 'UNAUTHENTICATED' });
      }),
    );
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    await userEvent.type(await screen.findByLabelText(/Username/), 'alice');
    await userEvent.type(screen.getByLabelText(/Password/), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('signed in as alice')).toBeInTheDocument();
    expect(bodies).toEqual([{ username: 'alice', password: 'pw' }]);
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain('secret-token');
  });

  it('says what to type as the organisation, platform operators included', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { reason: 'UNAUTHENTICATED' })));
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    const organisation = await screen.findByLabelText(/Organisation/);
    expect(organisation).toHaveValue('');
    expect(organisation).toHaveAccessibleDescription(/short name, e\.g\. demo; leave it empty for the default organisation/);
    expect(organisation).toHaveAccessibleDescription(/Platform operators: platform/);
  });

  it('signs the platform operator in to the organisation platform', async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url === '/api/v1/auth/login') {
          bodies.push(JSON.parse(String(init?.body)));
          return json(401, { reason: 'BAD_CREDENTIALS' });
        }
        return json(401, { reason: 'UNAUTHENTICATED' });
      }),
    );
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    await userEvent.type(await screen.findByLabelText(/Organisation/), ' platform ');
    await userEvent.type(screen.getByLabelText(/Username/), 'operator');
    await userEvent.type(screen.getByLabelText(/Password/), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByText('Sign-in failed');
    expect(bodies).toEqual([{ tenant: 'platform', username: 'operator', password: 'pw' }]);
  });

  it('explains wrong credentials and clears the password', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url === '/api/v1/auth/login' ? json(401, { reason: 'BAD_CREDENTIALS' }) : json(401, { reason: 'UNAUTHENTICATED' }),
      ),
    );
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    await userEvent.type(await screen.findByLabelText(/Organisation/), 'acme');
    await userEvent.type(screen.getByLabelText(/Username/), 'alice');
    await userEvent.type(screen.getByLabelText(/Password/), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Sign-in failed')).toBeInTheDocument();
    expect(screen.getByLabelText(/Password/)).toHaveValue('');
  });
});

describe('SignInPage with an organisation sign-in', () => {
  const providers = { local: true, organisation: { signInUrl: '/oauth2/authorization/keycloak' } };

  afterEach(() => {
    vi.restoreAllMocks();
    window.history.replaceState(null, '', '/');
  });

  it('leaves for the broker sign-in address with the typed e-mail address as login_hint; local sign-in stays', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => (url === '/api/v1/auth/providers' ? json(200, providers) : json(401, { reason: 'UNAUTHENTICATED' }))),
    );
    const go = vi.spyOn(browserNavigation, 'go').mockImplementation(() => undefined);
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    const organisation = await screen.findByRole('button', { name: 'Sign in with your organisation' });
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Username/), 'alice@acme.test');
    await userEvent.click(organisation);
    expect(go).toHaveBeenCalledWith('/oauth2/authorization/keycloak?login_hint=alice%40acme.test');
  });

  it('offers no organisation sign-in when the broker has none', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url === '/api/v1/auth/providers' ? json(200, { local: true, organisation: null }) : json(401, { reason: 'UNAUTHENTICATED' }),
      ),
    );
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(fetch).toHaveBeenCalledWith('/api/v1/auth/providers', expect.anything()));
    expect(screen.queryByRole('button', { name: 'Sign in with your organisation' })).toBeNull();
  });

  it('says why the broker refused the organisation sign-in, once', async () => {
    window.history.replaceState(null, '', '/?signin_error=TENANT_OFFBOARDED');
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => (url === '/api/v1/auth/providers' ? json(200, providers) : json(401, { reason: 'UNAUTHENTICATED' }))),
    );
    render(
      <AuthProvider>
        <Shell />
      </AuthProvider>,
    );
    const problem = await screen.findByTestId('signin-problem');
    expect(problem).toHaveTextContent("Your organisation's access has ended");
    expect(problem).toHaveTextContent('Ask your IT help desk where your desktops are now.');
    expect(window.location.search).toBe('');
  });
});
