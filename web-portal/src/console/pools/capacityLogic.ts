/** A pool's capacity as the broker answers `GET /api/v1/admin/pools/{id}/provisioning/capacity`. */
export interface CapacityView {
  poolId: string;
  poolKind?: string;
  mode: 'FIXED' | 'DEMAND';
  floor: number;
  cap: number;
  historyWeeks: number;
  readyTimeSeconds: number | null;
  forecast: { expectedArrivals: number; spareTarget: number; dayKind: string } | null;
  explain: string | null;
  curve: CapacityCurve | null;
  /** SHARED pools in DEMAND mode: the last consolidation pass (hosts open and drained). */
  consolidation?: {
    hostsOpen: number;
    hosts: number;
    drained: { name: string; activeSessions: number; empty: boolean; power: 'ON' | 'EMPTY_TO_POWER_OFF' | 'EMPTY_CAN_BE_POWERED_OFF' | 'POWERING_OFF' | 'POWERED_OFF' | 'WAKING'; emptySince: string | null }[];
    /** Hosts being woken (counted open: their seats are coming). */
    waking: string[];
    poweredOff: number;
  } | null;
}

/** The local day's forecast (mean arrivals) and actual arrivals per 5-minute slot. */
export interface CapacityCurve {
  day: string;
  timeZone: string;
  dayKind: string;
  slotMinutes: number;
  forecast: number[];
  actual: number[];
}

/** One hour of the day: forecast and actual logons. */
export interface HourPoint {
  hour: number;
  forecast: number;
  actual: number;
}

/** The day's slots summed per hour (24 points; missing slots count as none). */
export function perHour(curve: CapacityCurve): HourPoint[] {
  const perHourSlots = Math.max(1, Math.round(60 / curve.slotMinutes));
  const points: HourPoint[] = [];
  for (let h = 0; h < 24; h++) {
    let forecast = 0;
    let actual = 0;
    for (let s = h * perHourSlots; s < (h + 1) * perHourSlots; s++) {
      forecast += curve.forecast[s] ?? 0;
      actual += curve.actual[s] ?? 0;
    }
    points.push({ hour: h, forecast, actual });
  }
  return points;
}

/**
 * The SVG polyline `points` of one series over a `width` × `height` box (hour 0 at the left, hour 23 at the right, 0
 * at the bottom, `maxY` at the top).
 */
export function polyline(values: number[], width: number, height: number, maxY: number): string {
  const top = maxY > 0 ? maxY : 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => `${round(i * step)},${round(height - (Math.max(0, v) / top) * height)}`)
    .join(' ');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Says a form's floor and cap are wrong before the broker does (the broker checks them again). */
export function capacityProblem(floor: number, cap: number): string | null {
  if (!Number.isInteger(floor) || floor < 0) {
    return 'The floor must be a whole number, 0 or more.';
  }
  if (!Number.isInteger(cap) || cap < floor) {
    return 'The cap must be a whole number, at least the floor.';
  }
  return null;
}
