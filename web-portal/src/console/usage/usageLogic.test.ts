import {
  OTHERS,
  activityChart,
  activityOf,
  desktopKey,
  desktopWords,
  hoursWords,
  lastDayOfMonth,
  periodLabel,
  periodsOf,
  pickerValue,
  rangeProblem,
  rangeQuery,
  rollupUrl,
  seriesBy,
  sizeKey,
  sizeWords,
  totalsBy,
} from './usageLogic';
import type { UsageMetric, UsageRollupRow } from './usageTypes';

const row = (period: string, metric: UsageMetric, value: number, more: Partial<UsageRollupRow> = {}): UsageRollupRow => ({
  tenantId: 't1',
  timeZone: 'Europe/Paris',
  granularity: period.length === 10 ? 'DAY' : period.length === 7 ? 'MONTH' : 'HOUR',
  period,
  start: `${period.slice(0, 10)}T00:00:00+01:00`,
  end: `${period.slice(0, 10)}T23:59:59+01:00`,
  complete: true,
  metric,
  poolId: null,
  userId: null,
  productId: null,
  vcpus: null,
  memoryMiB: null,
  diskMiB: null,
  value,
  unit: metric.endsWith('SECONDS') ? 'SECONDS' : 'COUNT',
  hours: metric.endsWith('SECONDS') ? value / 3600 : null,
  reachedAt: null,
  ...more,
});

describe('the period picker', () => {
  it('asks for days as they are, and for whole months from the first to the last day', () => {
    expect(rangeQuery('day', '2026-10-01', '2026-10-31')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(rangeQuery('hour', '2026-11-01', '')).toEqual({ from: '2026-11-01' });
    expect(rangeQuery('month', '2026-01', '2026-02')).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(rangeQuery('month', '2024-02', '2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(rangeQuery('day', '', '')).toEqual({});
    expect(lastDayOfMonth('2026-12')).toBe('2026-12-31');
  });

  it('shows what the broker read by default in the picker’s own form', () => {
    expect(pickerValue('day', '2026-10-08')).toBe('2026-10-08');
    expect(pickerValue('month', '2025-12-01')).toBe('2025-12');
    expect(pickerValue('hour', '2026-11-01T05:00:00Z')).toBe('');
    expect(pickerValue('day', undefined)).toBe('');
  });

  it('refuses a range that ends before it starts or is longer than the broker answers', () => {
    expect(rangeProblem('day', '2026-10-31', '2026-10-01')).toBe('The end of the period is before its start.');
    expect(rangeProblem('day', '2025-01-01', '2026-02-05')).toMatch(/^At most 400 days/);
    expect(rangeProblem('day', '2025-01-01', '2026-02-05')).toContain('or months');
    expect(rangeProblem('day', '2025-01-01', '2026-02-04')).toBeNull(); // 400 days, both ends counted
    expect(rangeProblem('month', '2025-01', '2026-03')).toMatch(/^At most 400 days/);
    expect(rangeProblem('day', '', '2026-01-01')).toBeNull();
  });

  it('builds the roll-ups’ URL with the metrics and the CSV format', () => {
    expect(rollupUrl({ granularity: 'day', from: '2026-10-01', to: '2026-10-31', metrics: ['SESSION_SECONDS', 'CONNECTED_SECONDS'] })).toBe(
      '/api/v1/usage/rollups?granularity=day&from=2026-10-01&to=2026-10-31&metric=SESSION_SECONDS%2CCONNECTED_SECONDS',
    );
    expect(rollupUrl({ granularity: 'month', csv: true })).toBe('/api/v1/usage/rollups?granularity=month&format=csv');
  });
});

describe('periods', () => {
  it('labels hours with the tenant’s wall clock, days and months with the calendar', () => {
    expect(periodLabel('2026-11-01T01:00-04:00')).toBe('1 Nov 01:00');
    expect(periodLabel('2026-11-01')).toBe('1 Nov');
    expect(periodLabel('2026-11')).toBe('Nov 2026');
  });

  it('puts every day and month of the range on the axis, those without use too', () => {
    expect(periodsOf({ granularity: 'DAY', from: '2026-10-30', to: '2026-11-02' }, [])).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    expect(periodsOf({ granularity: 'MONTH', from: '2025-11-01', to: '2026-02-28' }, [])).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('orders hours by their instant: the hour the clocks go back is there twice', () => {
    const rows = [
      row('2026-11-01T01:00-05:00', 'SESSION_SECONDS', 60, { start: '2026-11-01T01:00:00-05:00' }),
      row('2026-11-01T00:00-04:00', 'SESSION_SECONDS', 60, { start: '2026-11-01T00:00:00-04:00' }),
      row('2026-11-01T01:00-04:00', 'SESSION_SECONDS', 60, { start: '2026-11-01T01:00:00-04:00' }),
      row('2026-11-01T01:00-04:00', 'CONNECTED_SECONDS', 30, { start: '2026-11-01T01:00:00-04:00' }),
    ];
    const hours = periodsOf({ granularity: 'HOUR', from: '2026-11-01', to: '2026-11-01' }, rows);
    expect(hours).toEqual(['2026-11-01T00:00-04:00', '2026-11-01T01:00-04:00', '2026-11-01T01:00-05:00']);
    expect(hours.map(periodLabel)).toEqual(['1 Nov 00:00', '1 Nov 01:00', '1 Nov 01:00']);
  });
});

describe('roll-ups as chart series', () => {
  const periods = ['2026-10-01', '2026-10-02'];
  const pool = (id: string, period: string, hours: number) => row(period, 'SESSION_SECONDS', hours * 3600, { poolId: id, userId: 'u1' });

  it('sums the hours of a key per period, largest first, the rest as others', () => {
    const rows = [
      pool('a', '2026-10-01', 2),
      pool('a', '2026-10-02', 1),
      pool('b', '2026-10-02', 5),
      pool('c', '2026-10-01', 0.5),
      pool('d', '2026-10-01', 0.25),
      row('2026-10-01', 'CONNECTED_SECONDS', 36000, { poolId: 'a' }), // another metric: not in this chart
      row('2026-10-03', 'SESSION_SECONDS', 36000, { poolId: 'a' }), // outside the periods
    ];
    const data = seriesBy(rows, periods, { metric: 'SESSION_SECONDS', key: (r) => r.poolId, label: (k) => `Pool ${k}`, top: 3, what: 'sessions', unit: 'hours' });
    expect(data.series.map((s) => [s.key, s.label, s.values])).toEqual([
      ['b', 'Pool b', [0, 5]],
      ['a', 'Pool a', [2, 1]],
      [OTHERS, '2 others', [0.75, 0]],
    ]);
    expect(data.labels).toEqual(['1 Oct', '2 Oct']);
    expect(data.summary).toBe('8.8 hours of sessions in all; the most: Pool b with 5.');
  });

  it('says so when nothing was counted', () => {
    const data = seriesBy([], periods, { metric: 'SEAT_SECONDS', key: (r) => r.productId, label: (k) => k, what: 'licence seats held', unit: 'seat-hours' });
    expect(data.series).toEqual([]);
    expect(data.summary).toBe('No licence seats held in this period.');
  });

  it('reads hours from the exact seconds when the row has no hours', () => {
    const data = seriesBy([row('2026-10-01', 'SESSION_SECONDS', 5400, { poolId: 'a', hours: null })], periods, {
      metric: 'SESSION_SECONDS',
      key: (r) => r.poolId,
      label: (k) => k,
      what: 'sessions',
      unit: 'hours',
    });
    expect(data.series[0].values).toEqual([1.5, 0]);
  });

  it('totals several metrics per key for the tables', () => {
    const rows = [
      row('2026-10-01', 'SESSION_SECONDS', 7200, { userId: 'u1' }),
      row('2026-10-02', 'SESSION_SECONDS', 3600, { userId: 'u1' }),
      row('2026-10-01', 'CONNECTED_SECONDS', 1800, { userId: 'u1' }),
      row('2026-10-01', 'SESSION_SECONDS', 14400, { userId: 'u2' }),
    ];
    expect(totalsBy(rows, ['SESSION_SECONDS', 'CONNECTED_SECONDS'], (r) => r.userId)).toEqual([
      { key: 'u2', totals: [4, 0] },
      { key: 'u1', totals: [3, 0.5] },
    ]);
  });

  it('stacks desktops running and stopped by size in one chart', () => {
    const size = { vcpus: 2, memoryMiB: 4096, diskMiB: 40960 };
    const rows = [
      row('2026-10-01', 'DESKTOP_RUNNING_SECONDS', 7200, size),
      row('2026-10-01', 'DESKTOP_STOPPED_SECONDS', 3600, size),
      row('2026-10-02', 'DESKTOP_STOPPED_SECONDS', 1800, {}),
      row('2026-10-02', 'SESSION_SECONDS', 99999, size), // not a desktop figure
    ];
    const data = seriesBy(rows, periods, { metric: ['DESKTOP_RUNNING_SECONDS', 'DESKTOP_STOPPED_SECONDS'], key: desktopKey, label: desktopWords, what: 'desktops', unit: 'hours' });
    expect(data.series.map((s) => [s.label, s.values])).toEqual([
      ['Running: 2 vCPUs · 4 GiB · 40 GiB disk', [2, 0]],
      ['Stopped: 2 vCPUs · 4 GiB · 40 GiB disk', [1, 0]],
      ['Stopped: Size not managed (registered by hand)', [0, 0.5]],
    ]);
  });

  it('names desktop sizes, and desktops provisioning does not manage', () => {
    expect(sizeKey({ vcpus: 2, memoryMiB: 4096, diskMiB: 40960 })).toBe('2/4096/40960');
    expect(sizeWords('2/4096/40960')).toBe('2 vCPUs · 4 GiB · 40 GiB disk');
    expect(sizeWords('1/1536/10240')).toBe('1 vCPU · 1.5 GiB · 10 GiB disk');
    expect(sizeKey({ vcpus: null, memoryMiB: null, diskMiB: null })).toBe('none');
    expect(sizeWords('none')).toBe('Size not managed (registered by hand)');
  });

  it('words hours: minutes under one', () => {
    expect(hoursWords(0.2)).toBe('12 min');
    expect(hoursWords(0.001)).toBe('under a minute');
    expect(hoursWords(3.25)).toBe('3.3 h');
    expect(hoursWords(1234.5)).toBe('1,234.5 h');
    expect(hoursWords(0)).toBe('0 h');
  });
});

describe('peaks, users and devices', () => {
  it('gives every period its peak (with when it was reached), users and devices; zero where nothing was counted', () => {
    const rows = [
      row('2026-10-01', 'PEAK_SESSIONS', 3, { reachedAt: '2026-10-01T09:15:00+02:00' }),
      row('2026-10-01', 'DISTINCT_USERS', 4),
      row('2026-10-01', 'DISTINCT_DEVICES', 5),
      row('2026-10-03', 'PEAK_SESSIONS', 1, { reachedAt: '2026-10-03T18:00:00+02:00' }),
      row('2026-10-03', 'DISTINCT_USERS', 1),
    ];
    const activity = activityOf(rows, ['2026-10-01', '2026-10-02', '2026-10-03']);
    expect(activity.map((a) => [a.label, a.peak, a.reachedAt, a.users, a.devices])).toEqual([
      ['1 Oct', 3, '2026-10-01T09:15:00+02:00', 4, 5],
      ['2 Oct', 0, null, 0, 0],
      ['3 Oct', 1, '2026-10-03T18:00:00+02:00', 1, 0],
    ]);
    const chart = activityChart(activity, 'day');
    expect(chart.series.map((s) => [s.label, s.values])).toEqual([
      ['Peak concurrent sessions', [3, 0, 1]],
      ['Distinct users', [4, 0, 1]],
      ['Distinct devices', [5, 0, 0]],
    ]);
    expect(chart.summary).toBe('The highest peak was 3 concurrent sessions, on 1 Oct; at most 4 distinct users and 5 devices in one day.');
    expect(activityChart(activityOf([], ['2026-10']), 'month').summary).toBe('No session in any month of this period.');
  });
});
