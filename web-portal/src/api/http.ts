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
}

/** Listeners told when any call answers 401, so the app can show the sign-in page. */
const unauthenticatedListeners = new Set<() => void>();

export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/**
 * Calls the broker's API. Credentials travel in the HttpOnly `deskport_token` cookie the broker sets
 * at sign-in, so no token is ever kept in JavaScript storage.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
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
    throw new ApiError(response.status, problem);
  }
  return parsed as T;
}
