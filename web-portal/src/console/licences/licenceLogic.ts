import type { Problem } from '../../api/types';
import { localInputToIso, isoToLocalInput } from '../controls';
import type {
  Enforcement,
  Licence,
  LicenceModel,
  LicencePeakReport,
  LicenceProduct,
  LicenceSeatHolding,
  LicenceStatus,
  PeakPeriod,
} from './licenceTypes';

/** What holds a seat, as admins read it (licensing.LicenceModel). */
export const MODEL_WORDS: Record<LicenceModel, string> = {
  NAMED_USER: 'Named user (a seat stays with its user)',
  CONCURRENT_USER: 'Concurrent user (a seat while the user has a session)',
  PER_DEVICE: 'Per device (a seat stays with the browser’s device)',
  PER_DESKTOP: 'Per desktop (a seat for each provisioned desktop)',
};

export const MODEL_SHORT: Record<LicenceModel, string> = {
  NAMED_USER: 'Named user',
  CONCURRENT_USER: 'Concurrent user',
  PER_DEVICE: 'Per device',
  PER_DESKTOP: 'Per desktop',
};

export const ENFORCEMENT_WORDS: Record<Enforcement, string> = {
  HARD: 'Hard: refuse connects beyond the seats',
  SOFT: 'Soft: allow an overuse margin, recorded as overuse',
};

export const STATUS_WORDS: Record<LicenceStatus, string> = {
  UPCOMING: 'Not valid yet',
  VALID: 'Valid',
  IN_GRACE: 'In its grace period',
  EXPIRED: 'Expired',
};

/**
 * Why a seat was given back (LicenceSeatHolding.releaseReason): the admin's and the sweeps' reasons, and a session's
 * end reason; others are shown as the broker names them.
 */
export const RELEASE_WORDS: Record<string, string> = {
  ADMIN: 'freed by an admin',
  REQUIREMENT_REMOVED: 'its pool stopped consuming the product',
  DESKTOP_REMOVED: 'its desktop was removed',
  USER_REMOVED: 'its user was removed',
  UNUSED: 'unused longer than the product allows',
  EXPIRED: 'no licence was in force any more',
  DISCONNECT: 'the session was disconnected',
  LOGOFF: 'the user logged off',
  ADMIN_LOGOFF: 'an admin logged the session off',
};

export const releaseWords = (reason: string | null) =>
  !reason ? '' : (RELEASE_WORDS[reason] ?? reason.toLowerCase().replace(/_/g, ' '));

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Whether the product's model has each setting (the broker refuses the others with VALIDATION_FAILED). */
export const hasReleaseOnDisconnect = (model: LicenceModel) => model === 'CONCURRENT_USER';
export const hasUnusedDays = (model: LicenceModel) => model === 'NAMED_USER' || model === 'PER_DEVICE';

/** "3 of 10 seats in use", with the margin of a SOFT licence and the state of the licence in force. */
export function seatsWords(p: Pick<LicenceProduct, 'seats' | 'seatsInUse' | 'capacity' | 'enforcement' | 'overuseMargin' | 'licenceInForce'>): string {
  if (!p.licenceInForce) {
    return p.seatsInUse > 0
      ? `${plural(p.seatsInUse, 'seat')} held, no licence in force: new seats are refused`
      : 'No licence in force: connects that need a seat are refused';
  }
  const margin = p.enforcement === 'SOFT' && p.overuseMargin > 0 ? ` (+${p.overuseMargin} overuse margin)` : '';
  const over = p.seatsInUse > p.seats ? `, ${p.seatsInUse - p.seats} beyond the licence` : '';
  const grace = p.licenceInForce.inGrace ? ' — the licence has ended and counts only for its grace period' : '';
  return `${p.seatsInUse} of ${plural(p.seats, 'seat')} in use${margin}${over}${grace}`;
}

/** How full the product is, 0–100 (of the seats, not the margin); 100 and more is full or overused. */
export function seatsPercent(p: Pick<LicenceProduct, 'seats' | 'seatsInUse'>): number {
  if (p.seats <= 0) {
    return p.seatsInUse > 0 ? 100 : 0;
  }
  return Math.round((p.seatsInUse / p.seats) * 100);
}

// ---- products: the create body and the change of an edit ----

export interface ProductValues {
  name: string;
  vendor: string;
  sku: string;
  model: LicenceModel;
  releaseOnDisconnect: boolean;
  /** Days as typed; empty: never. */
  unusedDays: string;
}

export const blankProduct: ProductValues = { name: '', vendor: '', sku: '', model: 'CONCURRENT_USER', releaseOnDisconnect: false, unusedDays: '' };

export const productValues = (p: LicenceProduct): ProductValues => ({
  name: p.name,
  vendor: p.vendor ?? '',
  sku: p.sku ?? '',
  model: p.model,
  releaseOnDisconnect: p.releaseOnDisconnect,
  unusedDays: p.unusedDays ? String(p.unusedDays) : '',
});

const whole = (s: string): number | undefined => (/^\s*\d+\s*$/.test(s) ? Number(s) : undefined);

/** POST /licence-products: only the settings the model has (the others would be refused). */
export function newProductBody(v: ProductValues): Record<string, unknown> {
  const body: Record<string, unknown> = { name: v.name.trim(), model: v.model };
  if (v.vendor.trim()) body.vendor = v.vendor.trim();
  if (v.sku.trim()) body.sku = v.sku.trim();
  if (hasReleaseOnDisconnect(v.model)) body.releaseOnDisconnect = v.releaseOnDisconnect;
  if (hasUnusedDays(v.model) && whole(v.unusedDays)) body.unusedDays = whole(v.unusedDays);
  return body;
}

/** PATCH /licence-products/{id}: the members changed; an emptied "unused days" is 0 ("never"). The model never changes. */
export function productChange(before: LicenceProduct, v: ProductValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (v.name.trim() !== before.name) out.name = v.name.trim();
  if (v.vendor.trim() !== (before.vendor ?? '')) out.vendor = v.vendor.trim();
  if (v.sku.trim() !== (before.sku ?? '')) out.sku = v.sku.trim();
  if (hasReleaseOnDisconnect(before.model) && v.releaseOnDisconnect !== before.releaseOnDisconnect) {
    out.releaseOnDisconnect = v.releaseOnDisconnect;
  }
  if (hasUnusedDays(before.model)) {
    const days = whole(v.unusedDays) ?? 0;
    if (days !== (before.unusedDays ?? 0)) out.unusedDays = days;
  }
  return out;
}

// ---- licences: the create body and the change of an edit ----

export interface LicenceValues {
  seats: string;
  /** datetime-local in the browser's zone; empty on create: from now. */
  validFrom: string;
  /** datetime-local; empty: perpetual. */
  validUntil: string;
  enforcement: Enforcement;
  overuseMargin: string;
  graceDays: string;
  reference: string;
}

export const blankLicence: LicenceValues = { seats: '', validFrom: '', validUntil: '', enforcement: 'HARD', overuseMargin: '0', graceDays: '0', reference: '' };

export const licenceValues = (l: Licence): LicenceValues => ({
  seats: String(l.seats),
  validFrom: isoToLocalInput(l.validFrom),
  validUntil: l.validUntil ? isoToLocalInput(l.validUntil) : '',
  enforcement: l.enforcement,
  overuseMargin: String(l.overuseMargin),
  graceDays: String(l.graceDays),
  reference: l.reference ?? '',
});

/** The fields a licence form cannot send as typed, by the API's member names (checked before asking the broker). */
export function licenceFormErrors(v: LicenceValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (whole(v.seats) === undefined) errors.seats = 'Enter the number of seats bought (0 or more).';
  if (v.enforcement === 'SOFT' && whole(v.overuseMargin) === undefined) errors.overuseMargin = 'Enter a number of seats (0 or more).';
  if (whole(v.graceDays) === undefined) errors.graceDays = 'Enter a number of days (0 or more).';
  if (v.validFrom && v.validUntil && localInputToIso(v.validUntil) <= localInputToIso(v.validFrom)) {
    errors.validUntil = 'The end must be after the start.';
  }
  return errors;
}

/** POST …/licences: a HARD licence has no margin; no start is "from now", no end is perpetual. */
export function newLicenceBody(v: LicenceValues): Record<string, unknown> {
  const body: Record<string, unknown> = {
    seats: whole(v.seats) ?? 0,
    enforcement: v.enforcement,
    overuseMargin: v.enforcement === 'SOFT' ? (whole(v.overuseMargin) ?? 0) : 0,
    graceDays: whole(v.graceDays) ?? 0,
  };
  if (v.validFrom) body.validFrom = localInputToIso(v.validFrom);
  if (v.validUntil) body.validUntil = localInputToIso(v.validUntil);
  if (v.reference.trim()) body.reference = v.reference.trim();
  return body;
}

/**
 * PATCH …/licences/{id}: only what changed. A removed end is `perpetual: true` (the API's word for it); switching to
 * HARD sends the margin 0 with it, since a HARD licence has none.
 */
export function licenceChange(before: Licence, v: LicenceValues): Record<string, unknown> {
  const was = licenceValues(before);
  const out: Record<string, unknown> = {};
  if (whole(v.seats) !== before.seats) out.seats = whole(v.seats);
  if (v.validFrom !== was.validFrom && v.validFrom) out.validFrom = localInputToIso(v.validFrom);
  if (v.validUntil !== was.validUntil) {
    if (v.validUntil) out.validUntil = localInputToIso(v.validUntil);
    else out.perpetual = true;
  }
  if (v.enforcement !== before.enforcement) out.enforcement = v.enforcement;
  const margin = v.enforcement === 'SOFT' ? (whole(v.overuseMargin) ?? 0) : 0;
  if (margin !== before.overuseMargin) out.overuseMargin = margin;
  if (whole(v.graceDays) !== before.graceDays) out.graceDays = whole(v.graceDays);
  if (v.reference.trim() !== (before.reference ?? '')) out.reference = v.reference.trim();
  return out;
}

// ---- the refusals that offer a follow-up ----

const num = (p: Problem, k: string) => (typeof p[k] === 'number' ? (p[k] as number) : undefined);
const str = (p: Problem, k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);

/** "25 Oct 2026, 10:00", or "no end". */
export function dateWords(iso: string | null | undefined, none = 'no end'): string {
  if (!iso) {
    return none;
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A licence change refused because it lowers the seats in force below the seats in use (409 CONFLICT with
 * `capacity`, `capacityBefore` and `seatsInUse`): in words, and whether it can be sent again with force.
 */
export function capacityConflict(problem: Problem | undefined): { words: string; forceable: true } | null {
  if (!problem || problem.reason !== 'CONFLICT' || num(problem, 'capacityBefore') === undefined) {
    return null;
  }
  const capacity = num(problem, 'capacity') ?? 0;
  const inUse = num(problem, 'seatsInUse') ?? 0;
  const before = num(problem, 'capacityBefore') ?? 0;
  const product = str(problem, 'productName');
  return {
    words:
      `This change lowers the seats ${product ? `of “${product}” ` : ''}that connects may take from ${before} to ${capacity}, ` +
      `while ${plural(inUse, 'seat is', 'seats are')} in use. Free seats first, or save anyway: everyone holding a seat keeps it, ` +
      `and new connects are refused until enough seats are given back.`,
    forceable: true,
  };
}

/** A new or changed validity that overlaps another licence of the product (409 CONFLICT naming it), in words. */
export function overlapWords(problem: Problem | undefined): string | null {
  if (!problem || problem.reason !== 'CONFLICT' || !str(problem, 'conflictingLicenceId')) {
    return null;
  }
  return (
    `Another licence of this product is valid from ${dateWords(str(problem, 'conflictingValidFrom'))} until ` +
    `${dateWords(str(problem, 'conflictingValidUntil'))}, and a product’s licences follow one another without overlapping. ` +
    `End that one where this one begins, or move this one’s dates.`
  );
}

/** Who holds a seat, in words: the user, the device (and its last user) or the desktop. */
export function holderWords(seat: Pick<LicenceSeatHolding, 'holder' | 'username' | 'displayName' | 'desktopName'>, model: LicenceModel): string {
  const user = seat.displayName || seat.username;
  switch (model) {
    case 'PER_DEVICE':
      return `Device …${seat.holder.slice(-8)}${user ? ` (last used by ${user})` : ''}`;
    case 'PER_DESKTOP':
      return seat.desktopName ? `Desktop ${seat.desktopName}` : `Desktop …${seat.holder.slice(-8)} (removed)`;
    default:
      return user ?? `User …${seat.holder.slice(-8)} (removed)`;
  }
}

/**
 * Freeing a seat refused: IN_USE (live sessions use it: a "free it anyway" follow-up) or INVALID_STATE (given back
 * already, or a desktop's seat its pool still needs: no follow-up), in words.
 */
export function freeSeatRefusal(problem: Problem | undefined, who: string): { words: string; forceable: boolean } | null {
  if (!problem) {
    return null;
  }
  if (problem.reason === 'IN_USE') {
    const sessions = num(problem, 'sessions') ?? 1;
    return {
      words:
        `${who}’s seat is used by ${plural(sessions, 'live session')}. End ${sessions === 1 ? 'it' : 'them'} first (Sessions), ` +
        `or free the seat anyway: the ${sessions === 1 ? 'session goes' : 'sessions go'} on without a seat, and the seat is free for someone else at once.`,
      forceable: true,
    };
  }
  if (problem.reason === 'INVALID_STATE') {
    if (str(problem, 'releasedAt')) {
      return { words: `${who}’s seat was given back already (${releaseWords(str(problem, 'releaseReason') ?? null)}, ${dateWords(str(problem, 'releasedAt'))}).`, forceable: false };
    }
    if (problem.model === 'PER_DESKTOP') {
      return {
        words: `${who}’s seat belongs to a desktop of a pool that consumes this product. It is given back when the desktop is deleted, or when the pool stops consuming the product.`,
        forceable: false,
      };
    }
  }
  return null;
}

// ---- reports: URLs (JSON, and CSV for a link) ----

export type ReportKind = 'usage' | 'peaks' | 'holders' | 'overuse' | 'expiring';

export interface ReportParams {
  productId?: string;
  from?: string;
  to?: string;
  period?: PeakPeriod;
  withinDays?: number;
}

/**
 * A report's URL: `/api/v1/admin/licence-reports/{kind}` with its parameters in a stable order; `csv` adds
 * `format=csv`, which the broker answers as an attachment whatever the browser's Accept header says.
 */
export function reportUrl(kind: ReportKind, params: ReportParams = {}, csv = false): string {
  const q = new URLSearchParams();
  const add = (k: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') q.set(k, String(v));
  };
  add('productId', params.productId);
  add('period', params.period);
  add('from', params.from);
  add('to', params.to);
  add('withinDays', params.withinDays);
  if (csv) q.set('format', 'csv');
  const s = q.toString();
  return `/api/v1/admin/licence-reports/${kind}${s ? `?${s}` : ''}`;
}

// ---- the peaks chart ----

export interface PeakChartData {
  /** One bar per day or month: x its label, y the peak. */
  bars: { x: string; y: number; seats: number; holders: number; over: boolean }[];
  /** The seats of the licence in force per period, as a line over the bars. */
  seats: { x: string; y: number }[];
  /** The labels shown on the axis (at most about 10, so they stay readable). */
  ticks: string[];
  /** The top of the y axis: room above the highest bar or seat line. */
  maxY: number;
  /** Periods whose peak went beyond the seats. */
  periodsOver: number;
  /** A sentence for screen readers. */
  summary: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10-25" → "25 Oct", "2026-10" → "Oct 2026" (the report's own calendar, no time zone conversion). */
export function periodLabel(period: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period);
  if (day) {
    return `${Number(day[3])} ${MONTHS[Number(day[2]) - 1]}`;
  }
  const month = /^(\d{4})-(\d{2})$/.exec(period);
  return month ? `${MONTHS[Number(month[2]) - 1]} ${month[1]}` : period;
}

export function peakChartData(report: Pick<LicencePeakReport, 'peaks' | 'period' | 'productName'>): PeakChartData {
  const bars = report.peaks.map((p) => ({ x: periodLabel(p.period), y: p.peak, seats: p.seats, holders: p.holders, over: p.peak > p.seats }));
  const seats = bars.map((b) => ({ x: b.x, y: b.seats }));
  const step = Math.max(1, Math.ceil(bars.length / 10));
  const ticks = bars.filter((_, i) => i % step === 0).map((b) => b.x);
  const top = Math.max(1, ...bars.map((b) => Math.max(b.y, b.seats)));
  const maxY = top + Math.max(1, Math.ceil(top * 0.1));
  const periodsOver = bars.filter((b) => b.over).length;
  const highest = bars.reduce<(typeof bars)[number] | null>((h, b) => (!h || b.y > h.y ? b : h), null);
  const unit = report.period === 'DAY' ? 'day' : 'month';
  const summary = !highest
    ? `No ${unit} of use yet for ${report.productName}.`
    : `Peak seats in use per ${unit} for ${report.productName}: the highest is ${highest.y} on ${highest.x}; ` +
      (periodsOver ? `${plural(periodsOver, unit)} went beyond the licensed seats.` : 'no period went beyond the licensed seats.');
  return { bars, seats, ticks, maxY, periodsOver, summary };
}

/** The default range of the peaks report: the last 30 days, or the last 12 months (as the broker's default). */
export function defaultRange(period: PeakPeriod, today: Date = new Date()): { from: string; to: string } {
  const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const from = new Date(today);
  if (period === 'DAY') {
    from.setDate(from.getDate() - 29);
  } else {
    from.setDate(1);
    from.setMonth(from.getMonth() - 11);
  }
  return { from: iso(from), to: iso(today) };
}

/** 7500 → "2 h 5 min"; the lengths of overuse periods. */
export function spanWords(seconds: number): string {
  if (seconds < 60) {
    return plural(Math.max(0, Math.round(seconds)), 'second');
  }
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return [d ? `${d} d` : '', h ? `${h} h` : '', m && !d ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}
