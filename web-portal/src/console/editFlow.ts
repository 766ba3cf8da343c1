import { ApiError } from '../api/http';
import type { Problem } from '../api/types';
import { humanError, type HumanProblem } from '../problems/problemMessages';
import type { AdminClient, Versioned } from './adminApi';

/**
 * Saving a change made from a version read earlier (ETag → If-Match): the broker refuses it with
 * 412 STALE_VERSION when another admin changed the object since, and nothing is overwritten.
 */
export type SaveOutcome<T> =
  | { kind: 'saved'; saved: Versioned<T> }
  | { kind: 'stale'; problem: HumanProblem; currentETag: string | null }
  | { kind: 'refused'; problem: HumanProblem; fieldErrors: Record<string, string>; refusal?: Problem };

/** The broker's VALIDATION_FAILED `errors[]` as field → message (the first message per field). */
export function fieldErrors(problem: Problem | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const errors = problem?.errors;
  if (Array.isArray(errors)) {
    for (const e of errors) {
      if (e && typeof e === 'object' && typeof e.field === 'string' && typeof e.message === 'string' && !(e.field in out)) {
        out[e.field] = e.message;
      }
    }
  }
  return out;
}

export async function saveVersioned<T>(
  client: AdminClient,
  method: 'PATCH' | 'PUT',
  path: string,
  etag: string | null,
  change: unknown,
): Promise<SaveOutcome<T>> {
  try {
    return { kind: 'saved', saved: await client.send<T>(method, path, change, etag) };
  } catch (e) {
    const problem = e instanceof ApiError ? e.problem : undefined;
    if (e instanceof ApiError && e.reason === 'STALE_VERSION') {
      const current = problem?.currentETag;
      return { kind: 'stale', problem: humanError(e, 'admin'), currentETag: typeof current === 'string' ? current : null };
    }
    // the broker's own problem too, for a refusal that offers a follow-up (e.g. a change sent again with force)
    return { kind: 'refused', problem: humanError(e, 'admin'), fieldErrors: fieldErrors(problem), refusal: problem };
  }
}

/** Only the members the admin changed, so a save never writes back values it did not touch. */
export function changedMembers<T extends object>(before: T, after: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    const a = after[key];
    const b = before[key];
    const same = Array.isArray(a) && Array.isArray(b) ? [...a].sort().join() === [...b].sort().join() : a === b;
    if (!same) {
      out[key] = a;
    }
  }
  return out;
}
