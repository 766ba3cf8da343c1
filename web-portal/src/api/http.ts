import type { Problem } from './types';

/** A refused or failed API call, carrying the broker's problem body. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get reason(): string | undefined {
    return this.problem.reason;
  }

  /** Seconds the broker asked to wait before trying again (Retry-After), if it did. */
  get retryAfter(): number | undefined {
    const v = this.problem.retryAfterSeconds;
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }
}

/** Listeners told when any call answers 401, so the app can show the sign-in page. */
const unauthenticatedListeners = new Set<() => void>();

export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** How many times a call the broker turned away as OVERLOADED is sent again by itself. */
export const OVERLOADED_RETRIES = 3;
/** The longest Retry-After the portal waits out by itself (longer waits are shown to the user). */
const MAX_AUTOMATIC_WAIT_S = 10;

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) {
    return undefined;
  }
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls the broker's API. Credentials travel in the HttpOnly `deskport_token` cookie the broker sets
 * at sign-in, so no token is ever kept in JavaScript storage.
 *
 * A call the broker turned away as OVERLOADED (it tried nothing) is sent again after the Retry-After it
 * names, with a little jitter so that a crowd does not come back in step, at most {@link OVERLOADED_RETRIES}
 * times; any other refusal is the caller's to show.
 */
export async function api<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return (await apiResponse<T>(method, path, body, headers)).body;
}

/** An answer with the headers the admin console reads (ETag, Link, X-Total-Count). */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** {@link api}, keeping the answer's status and headers. */
export async function apiResponse<T>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<ApiAnswer<T>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await apiOnce<T>(method, path, body, headers);
    } catch (e) {
      const wait = e instanceof ApiError && e.reason === 'OVERLOADED' ? e.retryAfter ?? 1 : undefined;
      if (wait === undefined || attempt >= OVERLOADED_RETRIES || wait > MAX_AUTOMATIC_WAIT_S) {
        throw e;
      }
      await sleep(wait * 1000 * (1 + Math.random() * 0.5));
    }
  }
}

async function apiOnce<T>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<ApiAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { reason: 'NETWORK', detail: 'The broker cannot be reached' });
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const problem: Problem =
      parsed && typeof parsed === 'object' ? (parsed as Problem) : { status: response.status, title: response.statusText };
    if (!problem.reason && response.status >= 500) {
      problem.reason = 'SERVICE_UNAVAILABLE';
    }
    if (response.status === 401 && problem.reason !== 'BAD_CREDENTIALS') {
      unauthenticatedListeners.forEach((l) => l());
    }
    const wait = retryAfterSeconds(response.headers.get('Retry-After'));
    if (wait !== undefined && problem.retryAfterSeconds === undefined) {
      problem.retryAfterSeconds = wait;
    }
    throw new ApiError(response.status, problem);
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}
