/** A stand-in for the broker in the console's tests: routes by method and path, records every call. */
export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (call: Call) => Answer | undefined;

export function fakeBroker(route: Route) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    const call: Call = { method: init?.method ?? 'GET', url, headers, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const a = route(call) ?? { status: 404, body: { reason: 'NOT_FOUND' } };
    const status = a.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(a.body ?? null), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...a.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

/** The path of a call without its query. */
export const pathOf = (url: string) => url.split('?')[0];
export const queryOf = (url: string) => new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
