import {
  forgetSignInError,
  loadSignInProviders,
  LOCAL_ONLY,
  organisationSignInUrl,
  signInErrorIn,
  signInErrorWords,
} from './signInProviders';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('loadSignInProviders', () => {
  it('offers the organisation sign-in the broker names', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { local: true, organisation: { signInUrl: '/oauth2/authorization/keycloak' } })));
    expect(await loadSignInProviders()).toEqual({ local: true, organisation: { signInUrl: '/oauth2/authorization/keycloak' } });
  });

  it('offers local accounts only when the broker has no identity provider, fails, or names another site', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { local: true, organisation: null })));
    expect(await loadSignInProviders()).toEqual(LOCAL_ONLY);
    vi.stubGlobal('fetch', vi.fn(async () => json(503, { reason: 'OVERLOADED' })));
    expect(await loadSignInProviders()).toEqual(LOCAL_ONLY);
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))));
    expect(await loadSignInProviders()).toEqual(LOCAL_ONLY);
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { local: true, organisation: { signInUrl: '//evil.test/x' } })));
    expect((await loadSignInProviders()).organisation).toBeNull();
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { local: true, organisation: { signInUrl: 'https://evil.test/x' } })));
    expect((await loadSignInProviders()).organisation).toBeNull();
  });
});

describe('organisationSignInUrl', () => {
  it('passes a typed e-mail address as login_hint, encoded', () => {
    expect(organisationSignInUrl('/oauth2/authorization/keycloak', ' alice+desk@acme.test ')).toBe(
      '/oauth2/authorization/keycloak?login_hint=alice%2Bdesk%40acme.test',
    );
  });

  it('passes nothing that is not an e-mail address', () => {
    expect(organisationSignInUrl('/oauth2/authorization/keycloak', 'alice')).toBe('/oauth2/authorization/keycloak');
    expect(organisationSignInUrl('/oauth2/authorization/keycloak', '')).toBe('/oauth2/authorization/keycloak');
    expect(organisationSignInUrl('/oauth2/authorization/keycloak', undefined)).toBe('/oauth2/authorization/keycloak');
    expect(organisationSignInUrl('/oauth2/authorization/keycloak', 'a b@c.d')).toBe('/oauth2/authorization/keycloak');
  });
});

describe('sign-in refusals', () => {
  it('words every code the broker sends, and an unknown one as a failure to try again', () => {
    expect(signInErrorWords('NO_ORGANIZATION').title).toBe('Your account has no organisation here');
    expect(signInErrorWords('UNKNOWN_ORGANIZATION').message).toContain('no desktops on this Deskport');
    expect(signInErrorWords('TENANT_OFFBOARDED').title).toBe("Your organisation's access has ended");
    expect(signInErrorWords('ACCOUNT_DISABLED').action).toBe('Ask your IT help desk to enable it.');
    expect(signInErrorWords('ACCESS_DENIED').severity).toBe('info');
    expect(signInErrorWords('SIGN_IN_EXPIRED').action).toBe('Start the sign-in again.');
    expect(signInErrorWords('PROVIDER_ERROR').retryable).toBe(true);
    expect(signInErrorWords('SOMETHING_NEW').title).toBe('Sign-in through your organisation failed');
  });

  it('reads the code from the address and forgets it there', () => {
    expect(signInErrorIn('?signin_error=ACCOUNT_DISABLED')?.title).toBe('Your account is disabled');
    expect(signInErrorIn('?other=1')).toBeNull();
    window.history.replaceState(null, '', '/?signin_error=ACCOUNT_DISABLED&keep=1');
    forgetSignInError();
    expect(window.location.search).toBe('?keep=1');
    window.history.replaceState(null, '', '/');
  });
});
