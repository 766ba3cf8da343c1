import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, OVERLOADED_RETRIES, retryAfterSeconds } from './http';

/** A stand-in for the broker (no network in unit tests): answers the calls in order. */
function brokerAnswering(...answers: Array<{ status: number; body: unknown; retryAfter?: string }>) {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (path: string) => {
    calls.push(path);
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    const headers = new Headers({ 'Content-Type': a.status >= 400 ? 'application/problem+json' : 'application/json' });
    if (a.retryAfter !== undefined) {
      headers.set('Retry-After', a.retryAfter);
    }
    return new Response(JSON.stringify(a.body), { status: a.status, headers });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

const overloaded = { status: 503, body: { reason: 'OVERLOADED', retryAfterSeconds: 0 }, retryAfter: '0' };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('api', () => {
  it('sends a call the broker turned away as OVERLOADED again after its Retry-After', async () => {
    const calls = brokerAnswering(overloaded, { status: 201, body: { session: { id: 's1' } } });
    const answer = await api<{ session: { id: string } }>('POST', '/api/v1/pools/p1/connect');
    expect(answer.session.id).toBe('s1');
    expect(calls).toHaveLength(2);
  });

  it('gives up after a few OVERLOADED answers and shows the refusal with when to come back', async () => {
    const calls = brokerAnswering(overloaded);
    const error = await api('POST', '/api/v1/pools/p1/connect').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).reason).toBe('OVERLOADED');
    expect((error as ApiError).retryAfter).toBe(0);
    expect(calls).toHaveLength(OVERLOADED_RETRIES + 1);
  });

  it('does not resend other refusals, but keeps their Retry-After', async () => {
    const calls = brokerAnswering({ status: 503, body: { reason: 'SERVICE_UNAVAILABLE' }, retryAfter: '5' });
    const error = (await api('POST', '/api/v1/pools/p1/connect').catch((e: unknown) => e)) as ApiError;
    expect(error.reason).toBe('SERVICE_UNAVAILABLE');
    expect(error.retryAfter).toBe(5);
    expect(calls).toHaveLength(1);
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('Sat, 05 Dec 2026 10:00:30 GMT', Date.parse('Sat, 05 Dec 2026 10:00:00 GMT'))).toBe(30);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});
