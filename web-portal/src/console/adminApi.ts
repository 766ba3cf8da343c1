import { ApiError, apiResponse } from '../api/http';
import type { Problem } from '../api/types';
import { linkTarget, totalOf, type Total } from './paging';

/** The header a platform admin names the tenant they act in with (the broker's AdminContext). */
export const TENANT_HEADER = 'X-Deskport-Tenant';

/** One page of an admin list. */
export interface ListPage<T> {
  rows: T[];
  /** The broker's `rel="next"` link, followed as it is (it carries the cursor), or null on the last page. */
  next: string | null;
  /** First page only. */
  total: Total | null;
}

/** An object with the version it was read at (its ETag), for a change made from that version. */
export interface Versioned<T> {
  value: T;
  etag: string | null;
}

export interface AdminClient {
  /** The tenant named in every call, or null for the caller's own. */
  readonly tenantId: string | null;
  page<T>(url: string): Promise<ListPage<T>>;
  get<T>(path: string): Promise<Versioned<T>>;
  /** A POST, PUT, PATCH or DELETE; `ifMatch` is sent as If-Match. */
  send<T>(method: string, path: string, body?: unknown, ifMatch?: string | null): Promise<Versioned<T>>;
}

/** Calls of the admin API in one tenant (`tenantId` null: the caller's own, no header sent). */
export function adminClient(tenantId: string | null): AdminClient {
  const headers = (extra?: Record<string, string>) => ({ ...(tenantId ? { [TENANT_HEADER]: tenantId } : {}), ...extra });
  return {
    tenantId,
    async page<T>(url: string) {
      const answer = await apiResponse<T[]>('GET', url, undefined, headers());
      return {
        rows: Array.isArray(answer.body) ? answer.body : [],
        next: linkTarget(answer.headers.get('Link')),
        total: totalOf(answer.headers),
      };
    },
    async get<T>(path: string) {
      const answer = await apiResponse<T>('GET', path, undefined, headers());
      return { value: answer.body, etag: answer.headers.get('ETag') };
    },
    async send<T>(method: string, path: string, body?: unknown, ifMatch?: string | null) {
      const answer = await apiResponse<T>(method, path, body, headers(ifMatch ? { 'If-Match': ifMatch } : undefined));
      return { value: answer.body, etag: answer.headers.get('ETag') };
    },
  };
}

/** A file the broker answers as an attachment (a report's CSV form), with the name it gives it. */
export interface Attachment {
  blob: Blob;
  filename: string | null;
}

/**
 * Fetches an attachment in a tenant: for a platform admin acting in another organisation, whose tenant a plain link
 * cannot name (the broker reads it from the X-Deskport-Tenant header only). A refusal is an {@link ApiError}.
 */
export async function fetchAttachment(url: string, tenantId: string | null): Promise<Attachment> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: tenantId ? { [TENANT_HEADER]: tenantId } : {} });
  } catch {
    throw new ApiError(0, { reason: 'NETWORK', detail: 'The broker cannot be reached' });
  }
  if (!response.ok) {
    let problem: Problem;
    try {
      problem = (await response.json()) as Problem;
    } catch {
      problem = { status: response.status, title: response.statusText };
    }
    throw new ApiError(response.status, problem);
  }
  const disposition = response.headers.get('Content-Disposition');
  const name = disposition ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
  return { blob: await response.blob(), filename: name ? decodeURIComponent(name) : null };
}
