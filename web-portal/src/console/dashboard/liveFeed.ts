import { ApiError } from '../../api/http';
import type { DashboardSnapshot } from './dashboardTypes';

/**
 * The dashboard kept live: the broker's event stream (server-sent events, read with the browser's EventSource and
 * its cookie), and when the stream breaks, a reconnect with exponential backoff and jitter — never a poll every
 * second. Before each reconnect the dashboard is read once over plain HTTP: the figures are fresh at once, and a
 * refusal tells why the stream broke (401: the sign-in ended, and the app shows the sign-in page; 403 or 404: the
 * stream stops and says so). Framework-free, with the browser's parts injected, so that it can be tested.
 */

/** `connecting`: the first stream is opening; `live`: it is open; `reconnecting`: it broke, another try is due; `polling`:
 * the browser has no EventSource, the figures are read every {@link POLL_MS}; `stopped`: nothing more will come. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'stopped';

export interface LiveStatus {
  state: LiveState;
  /** reconnecting: seconds until the next try. */
  retryInSeconds?: number;
  /** stopped: why (a refusal of the broker, or the stream's end event). */
  reason?: string;
  detail?: string;
}

/** The part of the browser's EventSource this uses. */
export interface EventSourceLike {
  onopen: ((ev: Event) => void) | null;
  onerror: ((ev: Event) => void) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export type OpenStream = (url: string) => EventSourceLike;

export interface LiveDashboardOptions {
  /** The stream's URL (with ?tenant= for a platform admin acting in another tenant). */
  streamUrl: string;
  /** Reads the dashboard once (GET /api/v1/admin/dashboard); a refusal is an {@link ApiError}. */
  fetchSnapshot(): Promise<DashboardSnapshot>;
  onSnapshot(snapshot: DashboardSnapshot): void;
  onStatus(status: LiveStatus): void;
  /** Opens an event stream; null when the browser has none. */
  openStream: OpenStream | null;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

/** The first wait after a broken stream; each further failure doubles it, up to {@link MAX_BACKOFF_MS}. */
export const FIRST_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 30_000;
/** Without EventSource, how often the figures are read. */
export const POLL_MS = 30_000;

/** The wait before reconnect attempt `attempt` (0 for the first): doubling from 1 s up to 30 s, ±25 % so that a crowd spreads out. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** The stream's URL: the tenant a platform admin acts in goes in the query (EventSource sends no headers). */
export function streamUrl(tenantId: string | null): string {
  return '/api/v1/admin/dashboard/stream' + (tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : '');
}

/** Whether `next` is not older than `current` (a reconnect may reach another broker whose reading is older). */
export function isNewer(current: DashboardSnapshot | null, next: DashboardSnapshot): boolean {
  return !current || Date.parse(next.generatedAt) >= Date.parse(current.generatedAt);
}

export class LiveDashboard {
  private readonly o: Required<Pick<LiveDashboardOptions, 'setTimer' | 'clearTimer' | 'random'>> & LiveDashboardOptions;
  private source: EventSourceLike | null = null;
  private timer: unknown = null;
  private attempts = 0;
  private stopped = false;
  private last: DashboardSnapshot | null = null;

  constructor(options: LiveDashboardOptions) {
    this.o = {
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      ...options,
    };
  }

  start(): void {
    if (!this.o.openStream) {
      this.o.onStatus({ state: 'polling' });
      void this.poll();
      return;
    }
    this.o.onStatus({ state: 'connecting' });
    this.open();
  }

  /** Closes the stream and cancels what is due; nothing is reported afterwards. */
  stop(): void {
    this.stopped = true;
    this.closeSource();
    if (this.timer !== null) {
      this.o.clearTimer(this.timer);
      this.timer = null;
    }
  }

  private open(): void {
    if (this.stopped || !this.o.openStream) {
      return;
    }
    const source = this.o.openStream(this.o.streamUrl);
    this.source = source;
    source.onopen = () => {
      if (this.source !== source || this.stopped) {
        return;
      }
      this.attempts = 0;
      this.o.onStatus({ state: 'live' });
    };
    source.onerror = () => {
      if (this.source !== source || this.stopped) {
        return;
      }
      // the browser would retry by itself at its own pace; this one backs off and asks the broker why first
      this.closeSource();
      this.scheduleReconnect();
    };
    source.addEventListener('snapshot', (ev) => {
      if (this.source !== source || this.stopped) {
        return;
      }
      this.accept(JSON.parse(String(ev.data)) as DashboardSnapshot);
    });
    source.addEventListener('end', (ev) => {
      if (this.source !== source || this.stopped) {
        return;
      }
      const end = parseEnd(ev.data);
      this.closeSource();
      if (end.reason === 'NOT_FOUND' || end.reason === 'CONFLICT') {
        // the organisation is gone, or the user opened the dashboard in more places since: reconnecting would end another
        this.finish({ state: 'stopped', reason: end.reason, detail: end.detail });
      } else {
        // UNAUTHENTICATED: the read before reconnecting answers 401 and the app signs the user in again;
        // SERVICE_UNAVAILABLE: the broker is stopping, another one answers
        this.scheduleReconnect();
      }
    });
  }

  private accept(snapshot: DashboardSnapshot): void {
    if (isNewer(this.last, snapshot)) {
      this.last = snapshot;
      this.o.onSnapshot(snapshot);
    }
  }

  private scheduleReconnect(): void {
    const wait = backoffDelay(this.attempts, this.o.random);
    this.attempts++;
    this.o.onStatus({ state: 'reconnecting', retryInSeconds: Math.ceil(wait / 1000) });
    this.timer = this.o.setTimer(() => {
      this.timer = null;
      void this.reconnect();
    }, wait);
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    try {
      this.accept(await this.o.fetchSnapshot());
    } catch (e) {
      if (this.stopped) {
        return;
      }
      if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) {
        this.finish({ state: 'stopped', reason: e.reason ?? String(e.status), detail: e.problem.detail });
        return;
      }
      this.scheduleReconnect();
      return;
    }
    if (!this.stopped) {
      this.open();
    }
  }

  private async poll(): Promise<void> {
    if (this.stopped) {
      return;
    }
    try {
      this.accept(await this.o.fetchSnapshot());
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) {
        this.finish({ state: 'stopped', reason: e.reason ?? String(e.status), detail: e.problem.detail });
        return;
      }
    }
    if (!this.stopped) {
      this.timer = this.o.setTimer(() => {
        this.timer = null;
        void this.poll();
      }, POLL_MS);
    }
  }

  private finish(status: LiveStatus): void {
    this.o.onStatus(status);
    this.stop();
  }

  private closeSource(): void {
    const s = this.source;
    this.source = null;
    if (s) {
      s.onopen = null;
      s.onerror = null;
      s.close();
    }
  }
}

function parseEnd(data: unknown): { reason?: string; detail?: string } {
  try {
    const v = JSON.parse(String(data)) as { reason?: unknown; detail?: unknown };
    return {
      reason: typeof v.reason === 'string' ? v.reason : undefined,
      detail: typeof v.detail === 'string' ? v.detail : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * What a list of sessions shows that a snapshot can tell has changed: the live sessions by pool and state, and the
 * connects of the last hour (a reconnect changes no count but is a connect). Equal signatures: nothing to reload.
 */
export function sessionsSignature(s: DashboardSnapshot): string {
  const pools = (s.sessions?.byPool ?? [])
    .map((p) => `${p.poolId}:${p.byState.PREPARING ?? 0}/${p.byState.READY ?? 0}/${p.byState.CONNECTED ?? 0}/${p.byState.DISCONNECTED ?? 0}`)
    .sort()
    .join(',');
  return `${pools}|${s.connects?.created ?? 0}/${s.connects?.reconnected ?? 0}`;
}
