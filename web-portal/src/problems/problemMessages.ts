import type { Problem } from '../api/types';

/** What the portal tells a person about a refusal: what happened (with the figures) and what to do. */
export interface HumanProblem {
  /** Short headline. */
  title: string;
  /** What happened, in plain words, with the broker's figures. */
  message: string;
  /** What the user can do now. */
  action: string;
  /** danger: nothing the user can do but ask; warning: try again later; info: expected. */
  severity: 'danger' | 'warning' | 'info';
  /** True when trying again later may succeed by itself. */
  retryable: boolean;
  /** True when the user must sign in again. */
  signIn?: boolean;
}

const num = (p: Problem, key: string): number | undefined => {
  const v = p[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

const str = (p: Problem, key: string): string | undefined => {
  const v = p[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const poolLabel = (p: Problem) => {
  const name = str(p, 'poolName');
  return name ? `“${name}”` : 'this desktop pool';
};

/** Human words for the desktop states the broker reports in figures. */
const DESKTOP_STATE_WORDS: Record<string, string> = {
  PROVISIONING: 'being created',
  STOPPED: 'switched off',
  STARTING: 'starting',
  READY: 'ready',
  IN_USE: 'in use',
  REFRESHING: 'being refreshed',
  MAINTENANCE: 'in maintenance',
  FAILED: 'broken',
  DELETING: 'being removed',
};

export function desktopStateWords(state: string | undefined): string {
  return (state && DESKTOP_STATE_WORDS[state]) ?? 'not available';
}

/** "2 in use, 1 in maintenance" from a desktopsByState figure, states with no desktops left out. */
export function describeDesktopsByState(byState: unknown): string | undefined {
  if (!byState || typeof byState !== 'object') {
    return undefined;
  }
  const parts = Object.entries(byState as Record<string, unknown>)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${n} ${desktopStateWords(state)}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Who reads the words: an end user in the portal, or an admin or help-desk agent in the console. */
export type Audience = 'user' | 'admin';

/** What the broker calls an object (`objectType` of a problem) in words. */
const OBJECT_WORDS: Record<string, string> = {
  tenant: 'organisation',
  user: 'user',
  group: 'group',
  pool: 'pool',
  desktop: 'desktop',
  session: 'session',
  'session host': 'session host',
  'hypervisor host': 'hypervisor host',
  // the licensing module names its objects by their types
  licenceproduct: 'licence product',
  licence: 'licence',
  licenceseat: 'licence seat',
  webhooksubscription: 'webhook subscription',
};

const objectWords = (p: Problem, fallback: string) => {
  const t = str(p, 'objectType')?.toLowerCase();
  return (t && (OBJECT_WORDS[t] ?? t)) || fallback;
};

/** The broker's VALIDATION_FAILED errors[] as "field: message" lines. */
export function validationLines(problem: Problem): string[] {
  const errors = problem.errors;
  if (!Array.isArray(errors)) {
    return [];
  }
  return errors
    .filter((e): e is { field?: unknown; message?: unknown } => !!e && typeof e === 'object')
    .map((e) => [typeof e.field === 'string' ? e.field : '', typeof e.message === 'string' ? e.message : 'is not valid'])
    .map(([field, message]) => (field ? `${field}: ${message}` : message));
}

/** Words for the refusals of the admin API; undefined where the end user's words fit as well. */
function adminProblem(p: Problem): HumanProblem | undefined {
  switch (p.reason) {
    case 'STALE_VERSION': {
      const what = objectWords(p, 'object');
      return {
        title: 'Someone else changed this',
        message: `Another admin changed this ${what} after you opened it, so your change was not saved and nothing was overwritten.`,
        action: `Reload to see the ${what} as it is now, then make your change again.`,
        severity: 'warning',
        retryable: false,
      };
    }
    case 'PRECONDITION_REQUIRED':
      return {
        title: 'The version of your change is missing',
        message: 'The broker only accepts a change that says which version it was made from, and this one did not.',
        action: 'Reload the page and make your change again.',
        severity: 'warning',
        retryable: false,
      };
    case 'IN_USE':
      return {
        title: 'Still in use',
        message: p.detail ?? `This ${objectWords(p, 'object')} is in use.`,
        action: 'End or remove what uses it first, then try again.',
        severity: 'warning',
        retryable: false,
      };
    case 'INVALID_STATE':
    case 'CONFLICT':
      return {
        title: 'Not possible right now',
        message: p.detail ?? 'This conflicts with the current state of the object.',
        action: 'Refresh the list to see its state now, then try again.',
        severity: 'warning',
        retryable: true,
      };
    case 'FORBIDDEN':
      return {
        title: 'Not allowed',
        message: p.detail ?? 'Your role may not do this.',
        action: 'Ask a tenant admin (or the platform operator, for organisations) to do it.',
        severity: 'danger',
        retryable: false,
      };
    case 'LICENCE_EXHAUSTED': {
      // an admin's change that needs seats at once (a per-desktop product added to a pool with desktops)
      const needed = num(p, 'needed');
      if (needed === undefined) {
        return undefined;
      }
      const product = str(p, 'productName');
      const seats = num(p, 'seats') ?? 0;
      const inUse = num(p, 'seatsInUse') ?? 0;
      return {
        title: 'Not enough licence seats',
        message:
          `The pool has ${plural(needed, 'desktop')} without a seat of ${product ? `“${product}”` : 'this product'}, which has ` +
          `${plural(seats, 'seat')} with ${inUse} in use. Nothing was changed.`,
        action: 'Add seats to the product’s licence (or a licence in force), or remove desktops from the pool, then try again.',
        severity: 'warning',
        retryable: false,
      };
    }
    case 'SESSION_NOT_CONNECTED': {
      const state = str(p, 'sessionState');
      return {
        title: 'Nobody is looking at this session’s screen',
        message: `The session is ${state ? state.toLowerCase() : 'not connected'}: its user does not have their desktop open, so there is nothing to watch.`,
        action: 'Watch it once the user has connected again.',
        severity: 'info',
        retryable: false,
      };
    }
    case 'SESSION_NOT_LIVE':
      return {
        title: 'The session’s screen is not running',
        message: 'The session counts as connected, but no desktop stream of it is running now.',
        action: 'Ask the user to reconnect, then watch again.',
        severity: 'warning',
        retryable: true,
      };
    case 'SESSION_ON_OTHER_BROKER':
      return {
        title: 'Another broker serves this session',
        message: 'The user’s desktop stream runs through another broker’s built-in gateway, which this broker cannot reach.',
        action: 'Try again: your request may reach that broker. For shadowing from any broker, IT can run a separate gateway.',
        severity: 'warning',
        retryable: true,
      };
    case 'NOT_FOUND':
      return {
        title: 'Not found',
        message: `This ${objectWords(p, 'object')} no longer exists, or belongs to another organisation.`,
        action: 'Go back to the list and refresh it.',
        severity: 'warning',
        retryable: false,
      };
    default:
      return undefined;
  }
}

/**
 * Turns the broker's problem body into words for the person in front of the screen. Every reason the
 * broker can give a user has an entry, and every refusal of the admin API (audience "admin"); unknown ones
 * fall back to the broker's own detail.
 */
export function humanProblem(problem: Problem, audience: Audience = 'user'): HumanProblem {
  const p = problem;
  const forAdmin = audience === 'admin' ? adminProblem(p) : undefined;
  if (forAdmin) {
    return forAdmin;
  }
  switch (p.reason) {
    case 'VALIDATION_FAILED': {
      const lines = validationLines(p);
      return {
        title: 'Some values are not accepted',
        message: lines.length ? `${lines.join('; ')}.` : p.detail ?? 'The request is not valid.',
        action: 'Correct the fields named and try again.',
        severity: 'danger',
        retryable: false,
      };
    }
    case 'NOT_ENTITLED':
      return {
        title: 'No access to this desktop',
        message: `Your account is not entitled to ${poolLabel(p)}.`,
        action: 'Ask your IT administrator to give you access, or choose another desktop.',
        severity: 'danger',
        retryable: false,
      };
    case 'POOL_DISABLED':
      return {
        title: 'This desktop is switched off',
        message: `Your IT administrator has disabled ${poolLabel(p)} for now.`,
        action: 'Use another of your desktops, or ask IT when it will be back.',
        severity: 'warning',
        retryable: true,
      };
    case 'POOL_EXHAUSTED': {
      const size = num(p, 'poolSize');
      const inUse = num(p, 'desktopsInUse') ?? 0;
      const ready = num(p, 'readyDesktops') ?? 0;
      const breakdown = describeDesktopsByState(p.desktopsByState);
      const message =
        size === undefined
          ? 'Every desktop of this pool is taken.'
          : size === 0
            ? 'This pool has no desktops yet.'
            : size === 1
              ? `The only desktop of this pool is not free` + (breakdown ? ` (${breakdown}).` : '.')
              : `All ${plural(size, 'desktop')} of this pool are taken: ${inUse} in use, ${ready} free` +
              (breakdown ? ` (${breakdown}).` : '.');
      return {
        title: 'No desktop free right now',
        message,
        action:
          size === 0
            ? 'Ask your IT administrator to add desktops to this pool.'
            : 'Try again in a few minutes, or use another of your desktops. If this happens often, tell IT the pool needs more desktops.',
        severity: 'warning',
        retryable: size !== 0,
      };
    }
    case 'HOST_CAPACITY': {
      const hosts = num(p, 'sessionHosts');
      const placeable = num(p, 'placeableHosts') ?? 0;
      const draining = num(p, 'drainingHosts') ?? 0;
      const unreachable = num(p, 'unreachableHosts') ?? 0;
      const capacity = num(p, 'sessionCapacity') ?? 0;
      const inUse = num(p, 'sessionsInUse') ?? 0;
      let message: string;
      if (hosts === undefined) {
        message = 'Every server of this pool is full.';
      } else if (placeable === 0) {
        const why = [
          draining > 0 ? `${draining} in maintenance` : '',
          unreachable > 0 ? `${unreachable} not reachable` : '',
        ].filter(Boolean);
        message = `None of the ${plural(hosts, 'server')} of this pool accepts new sessions` + (why.length ? ` (${why.join(', ')}).` : '.');
      } else {
        message = `All ${plural(capacity, 'session place')} on ${plural(placeable, 'server')} are taken (${inUse} in use).`;
      }
      return {
        title: 'The servers are full',
        message,
        action: 'Try again in a few minutes, or use another of your desktops. If it lasts, tell your IT administrator.',
        severity: 'warning',
        retryable: true,
      };
    }
    case 'TENANT_QUOTA': {
      if (p.quota === 'maxDesktops') {
        const max = num(p, 'maxDesktops');
        return {
          title: 'Your organisation’s desktop limit is reached',
          message: `Your organisation may have ${max ?? 'a limited number of'} desktops and has ${num(p, 'desktops') ?? 'all of them'}.`,
          action: 'Ask your IT administrator to free desktops or raise the limit.',
          severity: 'warning',
          retryable: false,
        };
      }
      const max = num(p, 'maxConcurrentSessions');
      const active = num(p, 'activeSessions');
      return {
        title: 'Your organisation’s session limit is reached',
        message:
          max === undefined
            ? 'Your organisation has reached its limit of simultaneous sessions.'
            : `Your organisation may run ${plural(max, 'session')} at once and ${active ?? max} ${active === 1 ? 'is' : 'are'} running.`,
        action: 'Log off a desktop you no longer need, or try again when a colleague has logged off. IT can ask for a higher limit.',
        severity: 'warning',
        retryable: true,
      };
    }
    case 'DESKTOP_UNAVAILABLE':
      return {
        title: 'Your desktop cannot be used right now',
        message: `Your desktop is ${desktopStateWords(str(p, 'desktopState'))}.`,
        action:
          p.desktopState === 'FAILED'
            ? 'Contact your IT administrator: the desktop needs repair.'
            : 'Try again in a few minutes; if it lasts, contact your IT administrator.',
        severity: p.desktopState === 'FAILED' ? 'danger' : 'warning',
        retryable: p.desktopState !== 'FAILED',
      };
    case 'LICENCE_EXHAUSTED': {
      const seats = num(p, 'seats') ?? num(p, 'licenceSeats');
      const used = num(p, 'seatsInUse');
      const product = str(p, 'product');
      const what = product ? `“${product}”` : 'this desktop';
      const model = str(p, 'model');
      if (seats === 0) {
        return {
          title: 'No licence in force',
          message: `Your organisation has no valid licence for ${what} at the moment.`,
          action: 'Tell your IT administrator: the licence may have expired.',
          severity: 'danger',
          retryable: false,
        };
      }
      const one = seats === 1;
      const held =
        model === 'NAMED_USER'
          ? one ? 'is assigned to a named user' : 'are assigned to named users'
          : model === 'PER_DEVICE'
            ? one ? 'is assigned to another device' : 'are assigned to other devices'
            : one ? 'is in use' : 'are in use';
      return {
        title: 'No licence free',
        message:
          seats === undefined
            ? `Every licence for ${what} is in use.`
            : `${one ? 'The one licence' : `All ${plural(seats, 'licence')}`} for ${what} ${held}${used === undefined || model === 'NAMED_USER' || model === 'PER_DEVICE' ? '' : ` (${used} taken)`}.`,
        action:
          model === 'NAMED_USER' || model === 'PER_DEVICE'
            ? 'Ask your IT administrator for a licence of your own.'
            : 'Try again when a colleague has logged off. If it happens often, tell IT more licences are needed.',
        severity: 'warning',
        retryable: model !== 'NAMED_USER' && model !== 'PER_DEVICE',
      };
    }
    case 'DEVICE_ID_REQUIRED':
      return {
        title: 'This browser cannot be licensed',
        message: 'This desktop is licensed per device, and your browser did not say which device it is.',
        action: 'Allow this site to store data in your browser (it keeps a random device id), then try again.',
        severity: 'danger',
        retryable: false,
      };
    case 'UNAUTHENTICATED':
      return {
        title: 'Please sign in again',
        message: 'Your sign-in has expired or you have signed out.',
        action: 'Sign in again to continue; your running desktops keep running.',
        severity: 'info',
        retryable: false,
        signIn: true,
      };
    case 'BAD_CREDENTIALS':
      return {
        title: 'Sign-in failed',
        message: 'The organisation, username or password is not right.',
        action: 'Check them and try again. Leave the organisation empty to use the default one.',
        severity: 'danger',
        retryable: false,
      };
    case 'FORBIDDEN':
      return {
        title: 'Not allowed',
        message: 'Your account may not do this.',
        action: 'Ask your IT administrator if you need it.',
        severity: 'danger',
        retryable: false,
      };
    case 'SNAPSHOT_QUOTA':
      return {
        title: 'No room for another saved state',
        message: `Your desktop's saved states hold ${num(p, 'usedMiB') ?? 'all'} MiB of the ${num(p, 'quotaMiB') ?? 'allowed'} MiB your IT administrator allows.`,
        action: 'Delete a saved state you no longer need, then save again.',
        severity: 'warning',
        retryable: false,
      };
    case 'CONFIRMATION_REQUIRED':
      return {
        title: 'Please confirm first',
        message: typeof p.warning === 'string' ? p.warning : 'This cannot be undone.',
        action: 'Confirm to go ahead, or cancel.',
        severity: 'warning',
        retryable: true,
      };
    case 'NOT_FOUND':
      return {
        title: 'Not found',
        message: 'This desktop or session no longer exists.',
        action: 'Go back to My desktops and pick it again.',
        severity: 'warning',
        retryable: false,
      };
    case 'INVALID_STATE':
    case 'CONFLICT':
      return {
        title: 'Not possible right now',
        message: p.detail ?? 'This is not possible in the current state of your session.',
        action: 'Refresh My desktops and try again.',
        severity: 'warning',
        retryable: true,
      };
    case 'NETWORK':
      return {
        title: 'Deskport cannot be reached',
        message: 'Your browser got no answer from the Deskport server.',
        action: 'Check your network connection and try again.',
        severity: 'warning',
        retryable: true,
      };
    case 'OVERLOADED': {
      const wait = num(p, 'retryAfterSeconds');
      return {
        title: 'Many people are connecting right now',
        message: 'Deskport is busy with a wave of sign-ins and did not start your connection.',
        action: `Try again${wait === undefined ? ' in a moment' : ` in ${plural(wait, 'second')}`}; nothing was lost.`,
        severity: 'warning',
        retryable: true,
      };
    }
    case 'SERVICE_UNAVAILABLE':
    case 'INTERNAL_ERROR':
      if (p.reason === 'SERVICE_UNAVAILABLE' && num(p, 'retryAfterSeconds') !== undefined) {
        // the broker answered: its database is unavailable for a moment
        return {
          title: 'Deskport is briefly unavailable',
          message: 'Deskport cannot reach its database right now; nothing was changed.',
          action: `Try again in ${plural(num(p, 'retryAfterSeconds') ?? 5, 'second')}. If it lasts, contact IT.`,
          severity: 'warning',
          retryable: true,
        };
      }
      return {
        title: 'Deskport has a problem',
        message: 'The server could not complete your request.',
        action: `Try again in a minute. If it lasts, contact IT${p.instance ? ` and mention ${p.instance}` : ''}.`,
        severity: 'danger',
        retryable: true,
      };
    default:
      return {
        title: p.title ?? 'Something went wrong',
        message: p.detail ?? 'The request was refused.',
        action: 'Try again; if it lasts, contact your IT administrator.',
        severity: 'warning',
        retryable: true,
      };
  }
}

/** The same words for any error thrown by an API call. */
export function humanError(error: unknown, audience: Audience = 'user'): HumanProblem {
  if (error && typeof error === 'object' && 'problem' in error) {
    return humanProblem((error as { problem: Problem }).problem, audience);
  }
  return humanProblem({ reason: 'INTERNAL_ERROR' }, audience);
}
