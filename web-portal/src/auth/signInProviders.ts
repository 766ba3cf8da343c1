import type { HumanProblem } from '../problems/problemMessages';

/** What the broker's sign-in page offers (GET /api/v1/auth/providers). */
export interface SignInProviders {
  /** Local accounts: organisation, username and password. */
  local: boolean;
  /** Sign-in through the organisation's identity provider (Keycloak), when the broker has one. */
  organisation: { signInUrl: string } | null;
}

export const LOCAL_ONLY: SignInProviders = { local: true, organisation: null };

/** Where the broker sends the browser back when a sign-in through the organisation was refused. */
export const SIGN_IN_ERROR_PARAMETER = 'signin_error';

/**
 * Asks the broker what to offer. A broker that does not answer (or an older one) offers local accounts only:
 * the page stays usable.
 */
export async function loadSignInProviders(): Promise<SignInProviders> {
  try {
    const response = await fetch('/api/v1/auth/providers', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      return LOCAL_ONLY;
    }
    const body = (await response.json()) as Partial<SignInProviders>;
    const url = body.organisation?.signInUrl;
    // only the broker's own address: a top-level navigation the page makes
    const organisation = typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? { signInUrl: url } : null;
    return { local: body.local !== false, organisation };
  } catch {
    return LOCAL_ONLY;
  }
}

/**
 * The address that starts the organisation sign-in; an e-mail address the person already typed rides along as
 * `login_hint`, so the organisation's sign-in page does not ask for it again.
 */
export function organisationSignInUrl(signInUrl: string, typed?: string): string {
  const hint = typed?.trim() ?? '';
  if (!/^[^\s@]+@[^\s@]+$/.test(hint) || hint.length > 254) {
    return signInUrl;
  }
  return `${signInUrl}${signInUrl.includes('?') ? '&' : '?'}login_hint=${encodeURIComponent(hint)}`;
}

/** The page's way to leave for another address (a seam for tests). */
export const browserNavigation = {
  go(url: string) {
    window.location.assign(url);
  },
};

/** Why the broker refused a sign-in through the organisation, in words: the codes of its sign-in callback. */
export function signInErrorWords(code: string): HumanProblem {
  switch (code) {
    case 'NO_ORGANIZATION':
      return {
        title: 'Your account has no organisation here',
        message: 'You signed in, but your account does not belong to exactly one organisation that uses Deskport.',
        action: 'Ask your IT help desk to add your account to your organisation.',
        severity: 'danger',
        retryable: false,
      };
    case 'UNKNOWN_ORGANIZATION':
      return {
        title: 'Your organisation does not use Deskport here',
        message: 'You signed in, but your organisation has no desktops on this Deskport.',
        action: 'Check the address of your desktops, or ask your IT help desk.',
        severity: 'danger',
        retryable: false,
      };
    case 'TENANT_OFFBOARDED':
      return {
        title: "Your organisation's access has ended",
        message: 'Your organisation no longer uses this Deskport.',
        action: 'Ask your IT help desk where your desktops are now.',
        severity: 'danger',
        retryable: false,
      };
    case 'ACCOUNT_DISABLED':
      return {
        title: 'Your account is disabled',
        message: 'Your Deskport account has been disabled.',
        action: 'Ask your IT help desk to enable it.',
        severity: 'danger',
        retryable: false,
      };
    case 'ACCESS_DENIED':
      return {
        title: 'Sign-in cancelled',
        message: "The sign-in at your organisation's page was cancelled or not allowed.",
        action: 'Try again, or ask your IT help desk.',
        severity: 'info',
        retryable: true,
      };
    case 'SIGN_IN_EXPIRED':
      return {
        title: 'The sign-in took too long',
        message: 'The sign-in page was open for too long, or the sign-in finished in another browser.',
        action: 'Start the sign-in again.',
        severity: 'warning',
        retryable: true,
      };
    default:
      return {
        title: 'Sign-in through your organisation failed',
        message: "Your organisation's sign-in service could not be reached or gave an answer Deskport cannot use.",
        action: 'Try again in a few minutes; if it keeps failing, tell your IT help desk.',
        severity: 'warning',
        retryable: true,
      };
  }
}

/** The refusal the broker's redirect named in the address (`?signin_error=CODE`), if any. */
export function signInErrorIn(search: string): HumanProblem | null {
  const code = new URLSearchParams(search).get(SIGN_IN_ERROR_PARAMETER);
  return code === null ? null : signInErrorWords(code);
}

/** Removes the refusal from the address, so a reload does not show it again. */
export function forgetSignInError(): void {
  const params = new URLSearchParams(window.location.search);
  if (!params.has(SIGN_IN_ERROR_PARAMETER)) {
    return;
  }
  params.delete(SIGN_IN_ERROR_PARAMETER);
  const rest = params.toString();
  window.history.replaceState(window.history.state, '', window.location.pathname + (rest ? `?${rest}` : '') + window.location.hash);
}
