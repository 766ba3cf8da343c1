import { ApiError } from '../../api/http';
import { busySnapshot, emptySnapshot } from './dashboardFixture';
import type { DashboardSnapshot } from './dashboardTypes';
import {
  FIRST_BACKOFF_MS,
  LiveDashboard,
  MAX_BACKOFF_MS,
  POLL_MS,
  backoffDelay,
  isNewer,
  streamUrl,
  type EventSourceLike,
  type LiveStatus,
} from './liveFeed';

/** An EventSource the test drives: open, error, and named events. */
class FakeStream implements EventSourceLike {
  onopen: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Array<(ev: MessageEvent) => void>>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.closed = true;
  }

  open() {
    this.onopen?.(new Event('open'));
  }

  fail() {
    this.onerror?.(new Event('error'));
  }

  emit(type: string, data: unknown) {
    const ev = new MessageEvent(type, { data: JSON.stringify(data) });
    (this.listeners.get(type) ?? []).forEach((l) => l(ev));
  }
}

function harness(fetchSnapshot: () => Promise<DashboardSnapshot>, withStreams = true) {
  const streams: FakeStream[] = [];
  const statuses: LiveStatus[] = [];
  const snapshots: DashboardSnapshot[] = [];
  const feed = new LiveDashboard({
    streamUrl: streamUrl(null),
    fetchSnapshot: vi.fn(fetchSnapshot),
    onSnapshot: (s) => snapshots.push(s),
    onStatus: (s) => statuses.push(s),
    openStream: withStreams
      ? (url) => {
          const s = new FakeStream(url);
          streams.push(s);
          return s;
        }
      : null,
    random: () => 0.5, // no jitter: the waits are exact
  });
  return { feed, streams, statuses, snapshots, last: () => statuses[statuses.length - 1] };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the backoff', () => {
  it('doubles from one second up to thirty, spread by a quarter either way', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(FIRST_BACKOFF_MS);
    expect(backoffDelay(1, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, () => 0.5)).toBe(8000);
    expect(backoffDelay(10, () => 0.5)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay(0, () => 0)).toBe(750);
    expect(backoffDelay(0, () => 1)).toBe(1250);
  });

  it('names the tenant a platform admin acts in, since EventSource sends no header', () => {
    expect(streamUrl(null)).toBe('/api/v1/admin/dashboard/stream');
    expect(streamUrl('t-2')).toBe('/api/v1/admin/dashboard/stream?tenant=t-2');
  });

  it('keeps the newer of two readings (a reconnect may reach a broker that read earlier)', () => {
    const older = emptySnapshot({ generatedAt: '2026-12-06T09:00:00Z' });
    const newer = emptySnapshot({ generatedAt: '2026-12-06T09:00:01Z' });
    expect(isNewer(null, older)).toBe(true);
    expect(isNewer(older, newer)).toBe(true);
    expect(isNewer(newer, older)).toBe(false);
  });
});

describe('the live dashboard', () => {
  it('is live once the stream opens, and shows each snapshot it pushes', () => {
    const h = harness(async () => emptySnapshot());
    h.feed.start();
    expect(h.last()).toEqual({ state: 'connecting' });
    expect(h.streams).toHaveLength(1);
    expect(h.streams[0].url).toBe('/api/v1/admin/dashboard/stream');
    h.streams[0].open();
    expect(h.last()).toEqual({ state: 'live' });
    h.streams[0].emit('snapshot', busySnapshot({ generatedAt: '2026-12-06T09:31:00Z' }));
    expect(h.snapshots).toHaveLength(1);
    expect(h.snapshots[0].sessions?.live).toBe(7);
    h.streams[0].emit('snapshot', busySnapshot({ generatedAt: '2026-12-06T09:30:59Z' }));
    expect(h.snapshots).toHaveLength(1); // older than what is shown
  });

  it('reconnects after a broken stream with a growing wait, reading the dashboard before each try', async () => {
    const h = harness(async () => busySnapshot({ generatedAt: '2026-12-06T10:00:00Z' }));
    h.feed.start();
    h.streams[0].open();
    h.streams[0].fail();
    expect(h.streams[0].closed).toBe(true);
    expect(h.last()).toEqual({ state: 'reconnecting', retryInSeconds: 1 });

    await vi.advanceTimersByTimeAsync(999);
    expect(h.streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.snapshots).toHaveLength(1); // read over HTTP first
    expect(h.streams).toHaveLength(2);

    h.streams[1].fail(); // failed again before opening: the wait doubles
    expect(h.last()).toEqual({ state: 'reconnecting', retryInSeconds: 2 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(h.streams).toHaveLength(3);
    h.streams[2].open();
    expect(h.last()).toEqual({ state: 'live' });

    h.streams[2].fail(); // once open, the next break starts from one second again
    expect(h.last()).toEqual({ state: 'reconnecting', retryInSeconds: 1 });
  });

  it('keeps trying while the broker is unavailable, and never polls in between', async () => {
    let answers = 0;
    const h = harness(async () => {
      answers++;
      throw new ApiError(503, { reason: 'SERVICE_UNAVAILABLE' });
    });
    h.feed.start();
    h.streams[0].fail();
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000);
    expect(answers).toBe(3);
    expect(h.last()).toEqual({ state: 'reconnecting', retryInSeconds: 8 });
    expect(h.streams).toHaveLength(1); // no stream opened while the broker refuses
  });

  it('stops when the sign-in ended: the end event, then the read answers 401 (the app asks to sign in)', async () => {
    const h = harness(async () => {
      throw new ApiError(401, { reason: 'UNAUTHENTICATED', detail: 'Sign in first' });
    });
    h.feed.start();
    h.streams[0].open();
    h.streams[0].emit('end', { reason: 'UNAUTHENTICATED', detail: 'Your sign-in has ended; sign in again' });
    expect(h.streams[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.last()).toEqual({ state: 'stopped', reason: 'UNAUTHENTICATED', detail: 'Sign in first' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.streams).toHaveLength(1);
  });

  it('stops for good when the organisation is gone', () => {
    const h = harness(async () => emptySnapshot());
    h.feed.start();
    h.streams[0].emit('end', { reason: 'NOT_FOUND', detail: 'This organisation no longer exists' });
    expect(h.last()).toEqual({ state: 'stopped', reason: 'NOT_FOUND', detail: 'This organisation no longer exists' });
  });

  it('stops, and says why, when the user opened the dashboard in more places since', async () => {
    const h = harness(async () => emptySnapshot());
    h.feed.start();
    h.streams[0].open();
    h.streams[0].emit('end', { reason: 'CONFLICT', detail: 'This dashboard stopped: you opened it in 5 other places since' });
    expect(h.last()).toMatchObject({ state: 'stopped', reason: 'CONFLICT' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.streams).toHaveLength(1); // reconnecting would end another of the user's dashboards
  });

  it('connects again when the broker stops (another one answers)', async () => {
    const h = harness(async () => emptySnapshot());
    h.feed.start();
    h.streams[0].open();
    h.streams[0].emit('end', { reason: 'SERVICE_UNAVAILABLE', detail: 'This broker is stopping' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.streams).toHaveLength(2);
  });

  it('closes the stream and cancels the next try when the page goes', async () => {
    const h = harness(async () => emptySnapshot());
    h.feed.start();
    h.streams[0].fail();
    const before = h.statuses.length;
    h.feed.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.streams).toHaveLength(1);
    expect(h.statuses).toHaveLength(before);
  });

  it('reads the dashboard every 30 s where the browser has no EventSource', async () => {
    const read = vi.fn(async () => emptySnapshot({ generatedAt: new Date(Date.now()).toISOString() }));
    const h = harness(read, false);
    h.feed.start();
    expect(h.last()).toEqual({ state: 'polling' });
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(read).toHaveBeenCalledTimes(2);
    h.feed.stop();
  });
});
