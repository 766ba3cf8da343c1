/**
 * The usage roll-ups as the broker answers them (GET /api/v1/usage/rollups: metering.UsageRollupExport). Periods are
 * the tenant's: an hour is a UTC hour labelled with the tenant's wall clock and offset then, a day or a month is the
 * tenant's local one.
 */

export type Granularity = 'hour' | 'day' | 'month';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'month'];

export type UsageMetric =
  | 'SESSION_SECONDS'
  | 'CONNECTED_SECONDS'
  | 'DESKTOP_RUNNING_SECONDS'
  | 'DESKTOP_STOPPED_SECONDS'
  | 'SEAT_SECONDS'
  | 'PEAK_SESSIONS'
  | 'DISTINCT_USERS'
  | 'DISTINCT_DEVICES';

export interface UsageRollupRow {
  tenantId: string;
  timeZone: string;
  granularity: 'HOUR' | 'DAY' | 'MONTH';
  /** "2026-11-01T01:00-04:00" (an hour), "2026-11-01" (a day) or "2026-11" (a month). */
  period: string;
  start: string;
  end: string;
  /** Whether the period had ended when it was computed (the current one counts up to then). */
  complete: boolean;
  metric: UsageMetric;
  poolId: string | null;
  userId: string | null;
  productId: string | null;
  vcpus: number | null;
  memoryMiB: number | null;
  diskMiB: number | null;
  /** Seconds (exact, to the microsecond) or a count; a JSON number. */
  value: number | string;
  unit: 'SECONDS' | 'COUNT';
  /** The seconds in hours (six places), for the seconds figures. */
  hours: number | string | null;
  /** PEAK_SESSIONS: the first instant the peak was reached. */
  reachedAt: string | null;
}

export interface UsageRollupReport {
  tenantId: string | null;
  /** The tenant's time zone now. */
  timeZone: string | null;
  granularity: 'HOUR' | 'DAY' | 'MONTH';
  /** The first day (or instant) read. */
  from: string;
  /** The last day (inclusive; or the end instant) read. */
  to: string;
  count: number;
  rows: UsageRollupRow[];
}
