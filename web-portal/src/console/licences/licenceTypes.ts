/**
 * The licensing API's shapes as the broker answers them (licensing.LicenceProduct, Licence, LicenceSeatHolding and
 * the LicenceReports records). Times are ISO instants; the reports' are offset date-times of the tenant's zone.
 */

export type LicenceModel = 'NAMED_USER' | 'CONCURRENT_USER' | 'PER_DEVICE' | 'PER_DESKTOP';
export const LICENCE_MODELS: readonly LicenceModel[] = ['NAMED_USER', 'CONCURRENT_USER', 'PER_DEVICE', 'PER_DESKTOP'];

export type Enforcement = 'HARD' | 'SOFT';

export interface LicenceInForce {
  id: string;
  validFrom: string;
  validUntil: string | null;
  inGrace: boolean;
  graceEndsAt: string | null;
}

export interface LicenceProduct {
  id: string;
  tenantId: string;
  name: string;
  vendor: string;
  sku: string;
  model: LicenceModel;
  releaseOnDisconnect: boolean;
  unusedDays: number | null;
  seats: number;
  enforcement: Enforcement | null;
  overuseMargin: number;
  capacity: number;
  seatsInUse: number;
  licenceInForce: LicenceInForce | null;
  pools: number;
  createdAt: string;
  updatedAt: string;
}

export type LicenceStatus = 'UPCOMING' | 'VALID' | 'IN_GRACE' | 'EXPIRED';

export interface Licence {
  id: string;
  tenantId: string;
  productId: string;
  seats: number;
  validFrom: string;
  validUntil: string | null;
  enforcement: Enforcement;
  overuseMargin: number;
  graceDays: number;
  graceEndsAt: string | null;
  reference: string;
  status: LicenceStatus;
  inForce: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LicenceSeatHolding {
  id: number;
  productId: string;
  holder: string;
  userId: string | null;
  username: string | null;
  displayName: string | null;
  poolId: string | null;
  desktopName: string | null;
  takenAt: string;
  lastUsedAt: string | null;
  sessions: number;
  releasedAt: string | null;
  releaseReason: string | null;
}

export interface LicenceProductUsage {
  productId: string;
  name: string;
  vendor: string;
  sku: string;
  model: LicenceModel;
  seats: number;
  enforcement: Enforcement | null;
  overuseMargin: number;
  capacity: number;
  seatsInUse: number;
  overuse: number;
  licenceId: string | null;
  validUntil: string | null;
  inGrace: boolean;
}

export interface LicenceUsageReport {
  timeZone: string;
  at: string;
  products: LicenceProductUsage[];
}

export type PeakPeriod = 'DAY' | 'MONTH';

export interface LicencePeak {
  period: string;
  start: string;
  end: string;
  peak: number;
  peakAt: string | null;
  seats: number;
  holders: number;
}

export interface LicencePeakReport {
  productId: string;
  productName: string;
  model: LicenceModel;
  timeZone: string;
  period: PeakPeriod;
  from: string;
  to: string;
  peaks: LicencePeak[];
}

export interface LicenceOveruse {
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number;
  seats: number;
  peakExcess: number;
  peakAt: string | null;
  peakSeatsInUse: number;
}

export interface LicenceOveruseReport {
  productId: string;
  productName: string;
  timeZone: string;
  from: string;
  to: string;
  periods: LicenceOveruse[];
}

export interface ExpiringLicence {
  licenceId: string;
  productId: string;
  productName: string;
  seats: number;
  enforcement: Enforcement;
  reference: string;
  validFrom: string;
  validUntil: string;
  graceDays: number;
  graceEnd: string;
  state: 'EXPIRING' | 'IN_GRACE';
  daysLeft: number;
  graceDaysLeft: number;
  renewedBy: string | null;
}

export interface LicenceExpiryReport {
  timeZone: string;
  at: string;
  withinDays: number;
  licences: ExpiringLicence[];
}

/** A pool that consumes a product (GET /licence-products/{id}/pools: licensing.ConsumingPool). */
export interface ConsumingPool {
  id: string;
  name: string;
  kind: 'PERSISTENT' | 'POOLED' | 'SHARED';
  enabled: boolean;
  /** PER_DESKTOP: the seats the pool's desktops hold now; null for the other models. */
  desktopSeats: number | null;
  createdAt: string;
}
