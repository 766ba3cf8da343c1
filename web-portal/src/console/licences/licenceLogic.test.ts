import {
  capacityConflict,
  defaultRange,
  freeSeatRefusal,
  holderWords,
  licenceChange,
  licenceFormErrors,
  newLicenceBody,
  newProductBody,
  overlapWords,
  peakChartData,
  periodLabel,
  productChange,
  reportUrl,
  seatsWords,
  spanWords,
  blankLicence,
} from './licenceLogic';
import type { Licence, LicenceProduct } from './licenceTypes';

const product: LicenceProduct = {
  id: 'p1',
  tenantId: 't1',
  name: 'Office suite',
  vendor: 'Acme',
  sku: '',
  model: 'NAMED_USER',
  releaseOnDisconnect: false,
  unusedDays: 30,
  seats: 10,
  enforcement: 'SOFT',
  overuseMargin: 2,
  capacity: 12,
  seatsInUse: 11,
  licenceInForce: { id: 'l1', validFrom: '2026-01-01T00:00:00Z', validUntil: null, inGrace: false, graceEndsAt: null },
  pools: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const licence: Licence = {
  id: 'l1',
  tenantId: 't1',
  productId: 'p1',
  seats: 10,
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2027-01-01T00:00:00.000Z',
  enforcement: 'SOFT',
  overuseMargin: 2,
  graceDays: 14,
  graceEndsAt: '2027-01-15T00:00:00.000Z',
  reference: 'PO-1',
  status: 'VALID',
  inForce: true,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('seats in words', () => {
  it('counts the seats in use against the licence, its margin and what is beyond it', () => {
    expect(seatsWords(product)).toBe('11 of 10 seats in use (+2 overuse margin), 1 beyond the licence');
    expect(seatsWords({ ...product, licenceInForce: null, seatsInUse: 0 })).toBe('No licence in force: connects that need a seat are refused');
    expect(seatsWords({ ...product, seatsInUse: 1, enforcement: 'HARD', overuseMargin: 0, licenceInForce: { ...product.licenceInForce!, inGrace: true } })).toBe(
      '1 of 10 seats in use — the licence has ended and counts only for its grace period',
    );
  });
});

describe('product bodies', () => {
  it('sends only the settings the model has', () => {
    expect(newProductBody({ name: ' Desktops ', vendor: '', sku: 'SKU-1', model: 'CONCURRENT_USER', releaseOnDisconnect: true, unusedDays: '30' })).toEqual({
      name: 'Desktops',
      model: 'CONCURRENT_USER',
      sku: 'SKU-1',
      releaseOnDisconnect: true,
    });
    expect(newProductBody({ name: 'CAL', vendor: 'Acme', sku: '', model: 'NAMED_USER', releaseOnDisconnect: true, unusedDays: '' })).toEqual({ name: 'CAL', vendor: 'Acme', model: 'NAMED_USER' });
  });

  it('changes only what the admin changed; emptied unused days is 0 (never); the model is never sent', () => {
    expect(productChange(product, { name: 'Office suite', vendor: 'Acme', sku: '', model: 'PER_DEVICE', releaseOnDisconnect: false, unusedDays: '' })).toEqual({ unusedDays: 0 });
    expect(productChange(product, { name: 'Office', vendor: 'Acme', sku: '', model: 'NAMED_USER', releaseOnDisconnect: false, unusedDays: '30' })).toEqual({ name: 'Office' });
  });
});

describe('licence bodies', () => {
  it('creates from now and perpetual when no dates are given; a HARD licence has no margin', () => {
    expect(newLicenceBody({ ...blankLicence, seats: '5', overuseMargin: '3' })).toEqual({ seats: 5, enforcement: 'HARD', overuseMargin: 0, graceDays: 0 });
    const body = newLicenceBody({ ...blankLicence, seats: '5', enforcement: 'SOFT', overuseMargin: '1', validUntil: '2027-06-30T00:00', reference: ' PO-9 ' });
    expect(body).toMatchObject({ seats: 5, enforcement: 'SOFT', overuseMargin: 1, reference: 'PO-9' });
    expect(body.validUntil).toBe(new Date('2027-06-30T00:00').toISOString());
  });

  it('sends the changed members; a removed end is perpetual, switching to HARD drops the margin', () => {
    const values = { seats: '8', validFrom: '', validUntil: '', enforcement: 'HARD' as const, overuseMargin: '2', graceDays: '14', reference: 'PO-1' };
    // the start left as read, the end emptied
    expect(licenceChange(licence, { ...values, validFrom: toLocal(licence.validFrom) })).toEqual({ seats: 8, perpetual: true, enforcement: 'HARD', overuseMargin: 0 });
  });

  it('checks the numbers and dates before asking the broker', () => {
    expect(licenceFormErrors({ ...blankLicence, seats: 'x', graceDays: '', validFrom: '2027-01-02T00:00', validUntil: '2027-01-01T00:00' })).toEqual({
      seats: 'Enter the number of seats bought (0 or more).',
      graceDays: 'Enter a number of days (0 or more).',
      validUntil: 'The end must be after the start.',
    });
  });
});

function toLocal(iso: string) {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

describe('refusals with a follow-up', () => {
  it('says a change lowers the seats below those in use, and that it can be forced', () => {
    const c = capacityConflict({ reason: 'CONFLICT', productName: 'Office suite', capacity: 4, capacityBefore: 12, seatsInUse: 11 });
    expect(c?.forceable).toBe(true);
    expect(c?.words).toContain('from 12 to 4, while 11 seats are in use');
    expect(capacityConflict({ reason: 'CONFLICT', conflictingLicenceId: 'l2' })).toBeNull();
  });

  it('names the licence an overlap collides with', () => {
    expect(overlapWords({ reason: 'CONFLICT', conflictingLicenceId: 'l2', conflictingValidFrom: '2026-01-01T00:00:00Z', conflictingValidUntil: null })).toMatch(
      /^Another licence of this product is valid from .* until no end/,
    );
  });

  it('offers "free it anyway" only for a seat in use', () => {
    const inUse = freeSeatRefusal({ reason: 'IN_USE', sessions: 2 }, 'Alice');
    expect(inUse).toEqual({ forceable: true, words: expect.stringContaining('Alice’s seat is used by 2 live sessions') });
    expect(freeSeatRefusal({ reason: 'INVALID_STATE', releasedAt: '2026-12-01T10:00:00Z', releaseReason: 'ADMIN' }, 'Alice')).toEqual({
      forceable: false,
      words: expect.stringContaining('given back already (freed by an admin'),
    });
    expect(freeSeatRefusal({ reason: 'INVALID_STATE', model: 'PER_DESKTOP' }, 'Desktop d1')?.forceable).toBe(false);
    expect(freeSeatRefusal({ reason: 'FORBIDDEN' }, 'Alice')).toBeNull();
  });

  it('names a holder by what holds the seat', () => {
    const seat = { holder: '0b6c6d47-aaaa-bbbb-cccc-1234567890ab', username: 'alice', displayName: 'Alice', desktopName: null };
    expect(holderWords(seat, 'NAMED_USER')).toBe('Alice');
    expect(holderWords(seat, 'PER_DEVICE')).toBe('Device …567890ab (last used by Alice)');
    expect(holderWords({ ...seat, desktopName: 'office-01' }, 'PER_DESKTOP')).toBe('Desktop office-01');
  });
});

describe('report links', () => {
  it('builds the JSON and the CSV form of each report', () => {
    expect(reportUrl('usage')).toBe('/api/v1/admin/licence-reports/usage');
    expect(reportUrl('usage', {}, true)).toBe('/api/v1/admin/licence-reports/usage?format=csv');
    expect(reportUrl('peaks', { productId: 'p1', period: 'MONTH', from: '2026-01-01', to: '2026-12-31' }, true)).toBe(
      '/api/v1/admin/licence-reports/peaks?productId=p1&period=MONTH&from=2026-01-01&to=2026-12-31&format=csv',
    );
    expect(reportUrl('expiring', { withinDays: 30 })).toBe('/api/v1/admin/licence-reports/expiring?withinDays=30');
    expect(reportUrl('holders', { productId: 'a b' }, true)).toBe('/api/v1/admin/licence-reports/holders?productId=a+b&format=csv');
  });

  it('defaults to the last 30 days, or the last 12 months from the first of the month', () => {
    expect(defaultRange('DAY', new Date(2026, 11, 6))).toEqual({ from: '2026-11-07', to: '2026-12-06' });
    expect(defaultRange('MONTH', new Date(2026, 11, 6))).toEqual({ from: '2026-01-01', to: '2026-12-06' });
  });
});

describe('the peaks chart', () => {
  const peak = (period: string, p: number, seats: number) => ({ period, start: '', end: '', peak: p, peakAt: null, seats, holders: p });

  it('makes a bar per period, the seats as a line, and marks the periods beyond the seats', () => {
    const d = peakChartData({ productName: 'Office suite', period: 'DAY', peaks: [peak('2026-12-04', 3, 5), peak('2026-12-05', 7, 5), peak('2026-12-06', 5, 5)] });
    expect(d.bars.map((b) => [b.x, b.y, b.over])).toEqual([
      ['4 Dec', 3, false],
      ['5 Dec', 7, true],
      ['6 Dec', 5, false],
    ]);
    expect(d.seats).toEqual([
      { x: '4 Dec', y: 5 },
      { x: '5 Dec', y: 5 },
      { x: '6 Dec', y: 5 },
    ]);
    expect(d.maxY).toBe(8);
    expect(d.periodsOver).toBe(1);
    expect(d.summary).toBe('Peak seats in use per day for Office suite: the highest is 7 on 5 Dec; 1 day went beyond the licensed seats.');
  });

  it('keeps about ten labels on the axis and words an empty range', () => {
    const days = Array.from({ length: 30 }, (_, i) => peak(`2026-11-${String(i + 1).padStart(2, '0')}`, 0, 0));
    const d = peakChartData({ productName: 'X', period: 'DAY', peaks: days });
    expect(d.ticks).toHaveLength(10);
    expect(d.ticks[0]).toBe('1 Nov');
    expect(d.maxY).toBe(2);
    expect(peakChartData({ productName: 'X', period: 'MONTH', peaks: [] }).summary).toBe('No month of use yet for X.');
    expect(periodLabel('2026-10')).toBe('Oct 2026');
  });

  it('words the length of an overuse', () => {
    expect(spanWords(45)).toBe('45 seconds');
    expect(spanWords(7500)).toBe('2 h 5 min');
    expect(spanWords(90000)).toBe('1 d 1 h');
  });
});
