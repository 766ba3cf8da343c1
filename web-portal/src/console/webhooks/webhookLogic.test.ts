import { localInputToIso } from '../controls';
import {
  changeBody,
  createBody,
  eventTypesWords,
  formOf,
  formProblems,
  overlapWords,
  replayRequest,
  replayWords,
  statusWords,
  webhooksPath,
} from './webhookLogic';
import type { WebhookSubscription } from './webhookTypes';

const subscription: WebhookSubscription = {
  id: 'w1',
  tenantId: 't-1',
  url: 'https://billing.example.com/hooks',
  description: 'Billing',
  eventTypes: ['io.deskport.session.ended'],
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  previousSecretValidUntil: null,
  secretRotatedAt: null,
  delivery: { cursor: '100.7', failingSince: null, lastSuccessAt: '2026-12-05T10:00:00Z', retriesPending: 0 },
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};

describe('webhook subscriptions in words', () => {
  it('names the tenant’s and the platform’s subscriptions', () => {
    expect(webhooksPath('tenant')).toBe('/api/v1/admin/webhooks');
    expect(webhooksPath('platform')).toBe('/api/v1/admin/platform-webhooks');
  });

  it('says which events are sent', () => {
    expect(eventTypesWords([])).toBe('Every event');
    expect(eventTypesWords(['io.deskport.session.ended', 'io.deskport.licence.seat_taken'])).toBe('Session ended, Licence seat taken');
    expect(eventTypesWords(['io.deskport.session.ended', 'io.deskport.session.created', 'io.deskport.desktop.deleted'])).toBe('3 event types');
    expect(eventTypesWords(['io.deskport.something.new'])).toBe('something.new');
  });

  it('says where a subscription stands, and why a disabled one is', () => {
    expect(statusWords(subscription)).toEqual({ label: 'Delivering', colour: 'green', detail: null });
    const failing = statusWords({ ...subscription, delivery: { ...subscription.delivery, failingSince: '2026-12-05T10:00:00Z' } });
    expect(failing.label).toBe('Failing, retrying');
    expect(failing.detail).toContain('disables the subscription if it goes on failing');
    const gaveUp = statusWords({ ...subscription, enabled: false, disabledReason: 'FAILING' });
    expect(gaveUp.label).toBe('Disabled: the endpoint kept failing');
    expect(gaveUp.colour).toBe('red');
    expect(gaveUp.detail).toContain('Nothing is lost');
    expect(statusWords({ ...subscription, enabled: false, disabledReason: 'ADMIN' }).label).toBe('Disabled by an admin');
  });

  it('explains the overlap of a rotation', () => {
    expect(overlapWords('2026-12-06T10:00:00Z')).toMatch(/^Until .* every delivery carries two signatures/);
    expect(overlapWords(null)).toContain('the new secret’s signature only');
  });
});

describe('the subscription form', () => {
  it('creates with every type as an empty list', () => {
    const f = formOf(null);
    expect(createBody({ ...f, url: ' https://x.example/h ', eventTypes: ['io.deskport.session.ended'] })).toEqual({
      url: 'https://x.example/h',
      description: '',
      eventTypes: [],
      enabled: true,
    });
  });

  it('sends only what changed, the order of the types not being a change', () => {
    const f = formOf({ ...subscription, eventTypes: ['io.deskport.session.ended', 'io.deskport.session.created'] });
    const before = { ...subscription, eventTypes: ['io.deskport.session.created', 'io.deskport.session.ended'] };
    expect(changeBody(before, f)).toEqual({});
    expect(changeBody(before, { ...f, description: 'Finance' })).toEqual({ description: 'Finance' });
    expect(changeBody(before, { ...f, allTypes: true })).toEqual({ eventTypes: [] });
    expect(changeBody(before, { ...f, url: 'https://new.example/h', enabled: false })).toEqual({ url: 'https://new.example/h' });
  });

  it('names the fields to correct before asking the broker', () => {
    expect(formProblems(formOf(null))).toEqual({ url: 'The endpoint’s URL is needed.' });
    expect(formProblems({ ...formOf(null), url: 'ftp://x' }).url).toMatch(/^The URL starts with https:\/\//);
    expect(formProblems({ ...formOf(null), url: 'https://x', allTypes: false, eventTypes: [] })).toEqual({ eventTypes: 'Pick at least one event type, or every event.' });
    expect(formProblems(formOf(subscription))).toEqual({});
  });
});

describe('a replay', () => {
  const blank = { mode: 'time' as const, from: '', to: '', after: '', until: '' };

  it('asks by time, the end left open or after the start', () => {
    expect(replayRequest({ ...blank, from: '2026-12-01T08:00' })).toEqual({ body: { from: localInputToIso('2026-12-01T08:00') } });
    expect(replayRequest({ ...blank, from: '2026-12-01T08:00', to: '2026-12-01T09:00' })).toEqual({
      body: { from: localInputToIso('2026-12-01T08:00'), to: localInputToIso('2026-12-01T09:00') },
    });
    expect(replayRequest(blank)).toEqual({ problems: { from: 'Choose when the range starts.' } });
    expect(replayRequest({ ...blank, from: '2026-12-01T09:00', to: '2026-12-01T08:00' })).toEqual({ problems: { to: 'The end must be after the start.' } });
  });

  it('asks by the export API’s cursors', () => {
    const byCursor = { ...blank, mode: 'cursor' as const };
    expect(replayRequest({ ...byCursor, after: ' 100.7 ', until: '120.3' })).toEqual({ body: { after: '100.7', until: '120.3' } });
    expect(replayRequest({ ...byCursor, until: '120.3' })).toEqual({ body: { until: '120.3' } });
    expect(replayRequest(byCursor)).toEqual({ problems: { after: 'Give at least one cursor.' } });
    expect('problems' in replayRequest({ ...byCursor, after: 'yesterday' })).toBe(true);
  });

  it('says what the broker planned, and when nothing is in the range', () => {
    const planned = { id: 'r1', subscriptionId: 'w1', after: '0.0', until: '120.3', from: null, to: null, requestedAt: '2026-12-05T10:00:00Z' };
    expect(replayWords(planned)).toBe('The events (log positions after 0.0 up to 120.3) are being sent again, each with its own webhook-id; the delivery log marks them “replay”.');
    expect(replayWords({ ...planned, after: '120.3', from: '2026-12-05T09:00:00Z' })).toMatch(/^No event is in that range written from .*: nothing is sent again\.$/);
  });
});
