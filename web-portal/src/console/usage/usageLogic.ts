import { periodLabel as dayOrMonthLabel } from '../licences/licenceLogic';
import type { Granularity, UsageMetric, UsageRollupReport, UsageRollupRow } from './usageTypes';

/** The longest range the broker answers at once (UsageRollupExport.MAX_DAYS). */
export const MAX_DAYS = 400;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** Days since 1970-01-01 of a calendar day (no time zone: the tenant's calendar as it is written). */
function dayNumber(day: string): number | null {
  const m = DAY.exec(day);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : null;
}

function dayOf(n: number): string {
  const d = new Date(n * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** "2026-02" → "2026-02-28" (the month's last day). */
export function lastDayOfMonth(month: string): string {
  const m = MONTH.exec(month);
  if (!m) {
    return month;
  }
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0));
  return `${m[1]}-${m[2]}-${pad(last.getUTCDate())}`;
}

/**
 * The range to ask for, from the period picker's inputs: days (`2026-11-01`) for hours and days, months (`2026-11`)
 * for months — a month range runs from the first month's first day to the last month's last day. Empty inputs are
 * left out: the broker's default (today's hours, the last 30 days, the last 12 months).
 */
export function rangeQuery(granularity: Granularity, from: string, to: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (granularity === 'month') {
    if (MONTH.test(from)) out.from = `${from}-01`;
    if (MONTH.test(to)) out.to = lastDayOfMonth(to);
  } else {
    if (DAY.test(from)) out.from = from;
    if (DAY.test(to)) out.to = to;
  }
  return out;
}

/** A day the broker read (`report.from`, `report.to`) as the picker shows it for the granularity ("" for an instant). */
export function pickerValue(granularity: Granularity, day: string | undefined): string {
  if (!day || !DAY.test(day)) {
    return '';
  }
  return granularity === 'month' ? day.slice(0, 7) : day;
}

/** Why the picked range cannot be asked for, in words; null when it can. */
export function rangeProblem(granularity: Granularity, from: string, to: string): string | null {
  const q = rangeQuery(granularity, from, to);
  if (!q.from || !q.to) {
    return null;
  }
  const a = dayNumber(q.from)!;
  const b = dayNumber(q.to)!;
  if (b < a) {
    return 'The end of the period is before its start.';
  }
  if (b - a + 1 > MAX_DAYS) {
    return `At most ${MAX_DAYS} days can be shown at once: choose a shorter period${granularity === 'month' ? '' : ', or months'}.`;
  }
  return null;
}

/** The roll-ups' URL: one granularity, a range (left out: the broker's default), some metrics, as JSON or CSV. */
export function rollupUrl(opts: { granularity: Granularity; from?: string; to?: string; metrics?: readonly UsageMetric[]; csv?: boolean }): string {
  const q = new URLSearchParams({ granularity: opts.granularity });
  if (opts.from) q.set('from', opts.from);
  if (opts.to) q.set('to', opts.to);
  if (opts.metrics?.length) q.set('metric', opts.metrics.join(','));
  if (opts.csv) q.set('format', 'csv');
  return `/api/v1/usage/rollups?${q.toString()}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-11-01T01:00-04:00" → "1 Nov 01:00"; "2026-11-01" → "1 Nov"; "2026-11" → "Nov 2026" (the tenant's clock). */
export function periodLabel(period: string): string {
  const hour = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(period);
  if (hour) {
    return `${Number(hour[3])} ${MONTHS[Number(hour[2]) - 1]} ${hour[4]}`;
  }
  return dayOrMonthLabel(period);
}

/**
 * Every period of the report's range, in order: each day or month from `from` to `to` (periods without use have no
 * rows, and still belong on the axis); hours, whose labels depend on the tenant's offsets, are the ones in the rows.
 */
export function periodsOf(report: Pick<UsageRollupReport, 'granularity' | 'from' | 'to'>, rows: readonly UsageRollupRow[]): string[] {
  const a = dayNumber(report.from);
  const b = dayNumber(report.to);
  if (report.granularity === 'DAY' && a !== null && b !== null && b >= a && b - a < MAX_DAYS + 1) {
    return Array.from({ length: b - a + 1 }, (_, i) => dayOf(a + i));
  }
  if (report.granularity === 'MONTH' && a !== null && b !== null && b >= a) {
    const out: string[] = [];
    let y = Number(report.from.slice(0, 4));
    let m = Number(report.from.slice(5, 7));
    const last = report.to.slice(0, 7);
    for (let guard = 0; guard < 40; guard++) {
      const month = `${y}-${pad(m)}`;
      out.push(month);
      if (month >= last) break;
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
    }
    return out;
  }
  const starts = new Map<string, number>();
  for (const r of rows) {
    if (!starts.has(r.period)) starts.set(r.period, Date.parse(r.start));
  }
  return [...starts.entries()].sort((x, y) => x[1] - y[1]).map(([p]) => p);
}

/** A figure of a row as a number: hours for the seconds figures, the count for the others. */
export function figure(r: UsageRollupRow): number {
  if (r.unit === 'SECONDS') {
    return r.hours !== null && r.hours !== undefined ? Number(r.hours) : Number(r.value) / 3600;
  }
  return Number(r.value);
}

/** One line or stack of a chart: a value per period, and the total over the range. */
export interface Series {
  key: string;
  label: string;
  values: number[];
  total: number;
}

export interface ChartData {
  /** The periods (as the broker names them) and their labels on the axis. */
  periods: string[];
  labels: string[];
  series: Series[];
  /** At most about 12 labels on the axis, so that they stay readable. */
  ticks: string[];
  /** A sentence for screen readers and for the table's caption. */
  summary: string;
}

/** The key the "everything else" series goes by. */
export const OTHERS = '__others';

/**
 * Rows of a metric (or several) as series over the periods: one per key (a pool, a user, a size, a product), the `top` largest
 * by their total over the range, the rest summed as "others" so a chart stays readable (the table and the CSV have
 * every one). Rows whose key is null are left out.
 */
export function seriesBy(
  rows: readonly UsageRollupRow[],
  periods: readonly string[],
  opts: { metric: UsageMetric | readonly UsageMetric[]; key(r: UsageRollupRow): string | null; label(key: string): string; top?: number; what: string; unit: string },
): ChartData {
  const index = new Map(periods.map((p, i) => [p, i]));
  const metrics: readonly UsageMetric[] = typeof opts.metric === 'string' ? [opts.metric] : opts.metric;
  const byKey = new Map<string, number[]>();
  for (const r of rows) {
    const k = metrics.includes(r.metric) ? opts.key(r) : null;
    const i = index.get(r.period);
    if (k === null || i === undefined) continue;
    const values = byKey.get(k) ?? Array<number>(periods.length).fill(0);
    values[i] += figure(r);
    byKey.set(k, values);
  }
  const all = [...byKey.entries()]
    .map(([key, values]) => ({ key, label: opts.label(key), values, total: values.reduce((a, b) => a + b, 0) }))
    .sort((x, y) => y.total - x.total || x.label.localeCompare(y.label));
  const top = opts.top ?? 6;
  let series = all;
  if (all.length > top) {
    const rest = all.slice(top - 1);
    const values = periods.map((_, i) => rest.reduce((sum, s) => sum + s.values[i], 0));
    series = [...all.slice(0, top - 1), { key: OTHERS, label: `${rest.length} others`, values, total: values.reduce((a, b) => a + b, 0) }];
  }
  const labels = periods.map(periodLabel);
  const total = all.reduce((a, s) => a + s.total, 0);
  const summary =
    all.length === 0
      ? `No ${opts.what} in this period.`
      : `${formatNumber(total)} ${opts.unit} of ${opts.what} in all; the most: ${series[0].label} with ${formatNumber(series[0].total)}.`;
  return { periods: [...periods], labels, series, ticks: ticksOf(labels), summary };
}

function ticksOf(labels: readonly string[]): string[] {
  const step = Math.max(1, Math.ceil(labels.length / 12));
  return labels.filter((_, i) => i % step === 0);
}

/** Totals over the range per key for several metrics (a table's rows), largest first by the first metric. */
export function totalsBy(
  rows: readonly UsageRollupRow[],
  metrics: readonly UsageMetric[],
  key: (r: UsageRollupRow) => string | null,
): { key: string; totals: number[] }[] {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const m = metrics.indexOf(r.metric);
    const k = m < 0 ? null : key(r);
    if (k === null) continue;
    const totals = out.get(k) ?? Array<number>(metrics.length).fill(0);
    totals[m] += figure(r);
    out.set(k, totals);
  }
  return [...out.entries()].map(([k, totals]) => ({ key: k, totals })).sort((a, b) => b.totals[0] - a.totals[0] || a.key.localeCompare(b.key));
}

/** The size of a desktop row as a key: "2/4096/40960", or "none" for desktops provisioning does not manage. */
export function sizeKey(r: Pick<UsageRollupRow, 'vcpus' | 'memoryMiB' | 'diskMiB'>): string {
  return r.vcpus === null && r.memoryMiB === null && r.diskMiB === null ? 'none' : `${r.vcpus ?? '?'}/${r.memoryMiB ?? '?'}/${r.diskMiB ?? '?'}`;
}

const gib = (mib: string) => {
  const n = Number(mib);
  return Number.isFinite(n) ? `${(n / 1024).toLocaleString('en-GB', { maximumFractionDigits: 1 })} GiB` : '? GiB';
};

/** "2/4096/40960" → "2 vCPUs · 4 GiB · 40 GiB disk"; "none" → "Size not managed (registered by hand)". */
export function sizeWords(key: string): string {
  if (key === 'none') {
    return 'Size not managed (registered by hand)';
  }
  const [cpus, memory, disk] = key.split('/');
  return `${cpus} vCPU${cpus === '1' ? '' : 's'} · ${gib(memory)} · ${gib(disk)} disk`;
}

/** A desktop row's key for the chart: whether it ran or stood stopped, and its size ("running 2/4096/40960"). */
export function desktopKey(r: Pick<UsageRollupRow, 'metric' | 'vcpus' | 'memoryMiB' | 'diskMiB'>): string {
  return `${r.metric === 'DESKTOP_RUNNING_SECONDS' ? 'running' : 'stopped'} ${sizeKey(r)}`;
}

/** "running 2/4096/40960" → "Running: 2 vCPUs · 4 GiB · 40 GiB disk". */
export function desktopWords(key: string): string {
  const [state, size] = key.split(' ');
  return `${state === 'running' ? 'Running' : 'Stopped'}: ${sizeWords(size)}`;
}

/** 1.5 → "1.5"; 1234.56 → "1,234.6"; 0.004 → "0.004" (small figures keep their first digits). */
export function formatNumber(n: number): string {
  if (n !== 0 && Math.abs(n) < 0.1) {
    return n.toLocaleString('en-GB', { maximumSignificantDigits: 2 });
  }
  return n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}

/** Hours in words: under one, minutes ("12 min"); else hours ("3.5 h"). */
export function hoursWords(hours: number): string {
  if (hours > 0 && hours < 1) {
    const minutes = Math.round(hours * 60);
    return minutes === 0 ? 'under a minute' : `${minutes} min`;
  }
  return `${formatNumber(hours)} h`;
}

/** The per-day (or month) activity: the peak of concurrent sessions, distinct users and devices, per period. */
export interface ActivityRow {
  period: string;
  label: string;
  peak: number;
  reachedAt: string | null;
  users: number;
  devices: number;
}

export function activityOf(rows: readonly UsageRollupRow[], periods: readonly string[]): ActivityRow[] {
  const byPeriod = new Map<string, ActivityRow>(periods.map((p) => [p, { period: p, label: periodLabel(p), peak: 0, reachedAt: null, users: 0, devices: 0 }]));
  for (const r of rows) {
    const a = byPeriod.get(r.period);
    if (!a) continue;
    if (r.metric === 'PEAK_SESSIONS' && Number(r.value) >= a.peak) {
      a.peak = Number(r.value);
      a.reachedAt = r.reachedAt;
    } else if (r.metric === 'DISTINCT_USERS') {
      a.users += Number(r.value);
    } else if (r.metric === 'DISTINCT_DEVICES') {
      a.devices += Number(r.value);
    }
  }
  return [...byPeriod.values()];
}

/** The activity as three lines over the periods. */
export function activityChart(activity: readonly ActivityRow[], unit: 'day' | 'month'): ChartData {
  const labels = activity.map((a) => a.label);
  const line = (key: string, label: string, values: number[]): Series => ({ key, label, values, total: Math.max(0, ...values) });
  const series = [
    line('peak', 'Peak concurrent sessions', activity.map((a) => a.peak)),
    line('users', 'Distinct users', activity.map((a) => a.users)),
    line('devices', 'Distinct devices', activity.map((a) => a.devices)),
  ];
  const busiest = activity.reduce<ActivityRow | null>((b, a) => (!b || a.peak > b.peak ? a : b), null);
  const summary =
    !busiest || busiest.peak === 0
      ? `No session in any ${unit} of this period.`
      : `The highest peak was ${busiest.peak} concurrent session${busiest.peak === 1 ? '' : 's'}, on ${busiest.label}; ` +
        `at most ${series[1].total} distinct user${series[1].total === 1 ? '' : 's'} and ${series[2].total} device${series[2].total === 1 ? '' : 's'} in one ${unit}.`;
  return { periods: activity.map((a) => a.period), labels, series, ticks: ticksOf(labels), summary };
}
