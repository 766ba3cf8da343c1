import { describe, expect, it } from 'vitest';

import { capacityProblem, perHour, polyline, type CapacityCurve } from './capacityLogic';

const curve = (forecast: Record<number, number>, actual: Record<number, number>): CapacityCurve => ({
  day: '2026-11-30',
  timeZone: 'Europe/Berlin',
  dayKind: 'MONDAY',
  slotMinutes: 5,
  forecast: Array.from({ length: 288 }, (_, i) => forecast[i] ?? 0),
  actual: Array.from({ length: 288 }, (_, i) => actual[i] ?? 0),
});

describe('the capacity chart', () => {
  it('sums the day’s 5-minute slots per hour', () => {
    const hours = perHour(curve({ 96: 10, 97: 5.5, 107: 1 }, { 96: 12, 120: 3 }));

    expect(hours).toHaveLength(24);
    expect(hours[8]).toEqual({ hour: 8, forecast: 16.5, actual: 12 });
    expect(hours[10]).toEqual({ hour: 10, forecast: 0, actual: 3 });
    expect(hours[0]).toEqual({ hour: 0, forecast: 0, actual: 0 });
  });

  it('draws a series from the bottom left, its highest value at the top', () => {
    expect(polyline([0, 5, 10], 200, 100, 10)).toBe('0,100 100,50 200,0');
    expect(polyline([0, 0], 100, 50, 0)).toBe('0,50 100,50');
  });

  it('refuses a floor above the cap before asking the broker', () => {
    expect(capacityProblem(2, 10)).toBeNull();
    expect(capacityProblem(5, 2)).toMatch(/cap/);
    expect(capacityProblem(-1, 2)).toMatch(/floor/);
  });
});
