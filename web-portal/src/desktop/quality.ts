/**
 * The connection-quality indicator: the tunnel's round trip (the WebSocket tunnel's pings, answered by
 * the broker) and the display's processing lag (how far behind the screen runs), smoothed.
 */
export type QualityLevel = 'unknown' | 'good' | 'fair' | 'poor';

export interface QualityReading {
  level: QualityLevel;
  roundTripMs: number | null;
  displayLagMs: number | null;
}

/** Thresholds: a desktop feels local under ~80 ms, usable under ~200 ms. */
export const QUALITY_LIMITS = { goodRoundTripMs: 80, fairRoundTripMs: 200, goodLagMs: 60, fairLagMs: 200 };

export class QualityMeter {
  private rtt: number | null = null;
  private lag: number | null = null;

  constructor(private readonly smoothing = 0.3) {}

  addRoundTrip(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) {
      this.rtt = this.rtt === null ? ms : this.rtt + this.smoothing * (ms - this.rtt);
    }
  }

  addDisplayLag(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) {
      this.lag = this.lag === null ? ms : this.lag + this.smoothing * (ms - this.lag);
    }
  }

  reset(): void {
    this.rtt = null;
    this.lag = null;
  }

  reading(): QualityReading {
    return { level: qualityLevel(this.rtt, this.lag), roundTripMs: round(this.rtt), displayLagMs: round(this.lag) };
  }
}

const round = (v: number | null) => (v === null ? null : Math.round(v));

/** The worse of the two measures decides; nothing measured yet → unknown. */
export function qualityLevel(rtt: number | null, lag: number | null): QualityLevel {
  if (rtt === null && lag === null) {
    return 'unknown';
  }
  const rank = (v: number | null, good: number, fair: number) => (v === null ? 0 : v <= good ? 0 : v <= fair ? 1 : 2);
  const worst = Math.max(
    rank(rtt, QUALITY_LIMITS.goodRoundTripMs, QUALITY_LIMITS.fairRoundTripMs),
    rank(lag, QUALITY_LIMITS.goodLagMs, QUALITY_LIMITS.fairLagMs),
  );
  return (['good', 'fair', 'poor'] as const)[worst];
}

/**
 * Reads the round trip from a tunnel message if it is the answer to one of the tunnel's pings
 * (`0.,4.ping,<sent ms>;`); otherwise null.
 */
export function pingRoundTrip(message: unknown, now: number): number | null {
  if (typeof message !== 'string' || !message.startsWith('0.,4.ping,')) {
    return null;
  }
  const m = /^0\.,4\.ping,\d+\.(\d+);/.exec(message);
  if (!m) {
    return null;
  }
  const sent = Number(m[1]);
  return Number.isFinite(sent) && sent <= now ? now - sent : null;
}
