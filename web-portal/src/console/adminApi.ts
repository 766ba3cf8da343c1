import { apiResponse } from '../api/http';
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
