import { localInputToIso } from '../controls';
import type { WebhookReplay, WebhookSubscription } from './webhookTypes';

/** The two sets of subscriptions: the organisation's (its own events) and the platform's (every organisation's). */
export type WebhookScope = 'tenant' | 'platform';

export function webhooksPath(scope: WebhookScope): string {
  return scope === 'platform' ? '/api/v1/admin/platform-webhooks' : '/api/v1/admin/webhooks';
}

/** The event types a subscription can ask for (metering.UsageEventType), in words. */
export const EVENT_TYPES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'io.deskport.session.created', label: 'Session created' },
  { value: 'io.deskport.session.connected', label: 'Session connected' },
  { value: 'io.deskport.session.disconnected', label: 'Session disconnected' },
  { value: 'io.deskport.session.ended', label: 'Session ended' },
  { value: 'io.deskport.desktop.created', label: 'Desktop created' },
  { value: 'io.deskport.desktop.powered_on', label: 'Desktop powered on' },
  { value: 'io.deskport.desktop.powered_off', label: 'Desktop powered off' },
  { value: 'io.deskport.desktop.deleted', label: 'Desktop deleted' },
  { value: 'io.deskport.licence.seat_taken', label: 'Licence seat taken' },
  { value: 'io.deskport.licence.seat_released', label: 'Licence seat released' },
  { value: 'io.deskport.tenant.quota_changed', label: 'Quota changed' },
  { value: 'io.deskport.webhook.disabled', label: 'A webhook disabled' },
];

export function eventTypeWords(type: string): string {
  return EVENT_TYPES.find((t) => t.value === type)?.label ?? type.replace(/^io\.deskport\./, '');
}

/** [] → "Every event"; one or two named; more counted. */
export function eventTypesWords(types: readonly string[]): string {
  if (types.length === 0) {
    return 'Every event';
  }
  if (types.length <= 2) {
    return types.map(eventTypeWords).join(', ');
  }
  return `${types.length} event types`;
}

export interface StatusWords {
  label: string;
  colour: 'green' | 'orange' | 'red' | 'grey';
  /** Why, and what to do, when it is not simply delivering. */
  detail: string | null;
}

/** Where a subscription stands: delivering, failing (and retrying), disabled by an admin or for failing too long. */
export function statusWords(s: Pick<WebhookSubscription, 'enabled' | 'disabledReason' | 'delivery'>): StatusWords {
  if (!s.enabled) {
    return s.disabledReason === 'FAILING'
      ? {
          label: 'Disabled: the endpoint kept failing',
          colour: 'red',
          detail: 'Every delivery failed for the give-up window, so the broker stopped sending. Nothing is lost: fix the endpoint, then enable the subscription and it resumes where it stopped.',
        }
      : { label: 'Disabled by an admin', colour: 'grey', detail: 'Nothing is sent. Enabled again, it resumes where it stopped: every event since is sent.' };
  }
  if (s.delivery.failingSince) {
    return {
      label: 'Failing, retrying',
      colour: 'orange',
      detail: `Every attempt has failed since ${new Date(s.delivery.failingSince).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}; the broker retries with a growing pause and disables the subscription if it goes on failing. The delivery log says why.`,
    };
  }
  return { label: 'Delivering', colour: 'green', detail: null };
}

/** How long the previous secret goes on signing after a rotation (ISO-8601 durations the broker takes). */
export const OVERLAPS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'PT0S', label: 'No overlap: the previous secret stops now' },
  { value: 'PT1H', label: '1 hour' },
  { value: 'PT24H', label: '24 hours (the usual)' },
  { value: 'P7D', label: '7 days (the longest)' },
];

/** What the receiver sees during the overlap, in words. */
export function overlapWords(previousSecretValidUntil: string | null): string {
  if (!previousSecretValidUntil) {
    return 'The previous secret no longer signs: deliveries carry the new secret’s signature only. Configure the receiver with it now.';
  }
  const until = new Date(previousSecretValidUntil).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return `Until ${until} every delivery carries two signatures in webhook-signature, one per secret, so the receiver accepts either: switch it to the new secret before then, and nothing is lost.`;
}

export interface SubscriptionForm {
  url: string;
  description: string;
  /** Every event type (eventTypes sent empty), or only those picked. */
  allTypes: boolean;
  eventTypes: string[];
  enabled: boolean;
}

export function formOf(s: WebhookSubscription | null): SubscriptionForm {
  return s
    ? { url: s.url, description: s.description ?? '', allTypes: s.eventTypes.length === 0, eventTypes: [...s.eventTypes], enabled: s.enabled }
    : { url: '', description: '', allTypes: true, eventTypes: [], enabled: true };
}

/** What a new subscription is created with. */
export function createBody(f: SubscriptionForm): { url: string; description: string; eventTypes: string[]; enabled: boolean } {
  return { url: f.url.trim(), description: f.description.trim(), eventTypes: f.allTypes ? [] : f.eventTypes, enabled: f.enabled };
}

/** Only what the admin changed (never `enabled`: that is its own action), so an edit never writes back what it did not touch. */
export function changeBody(before: WebhookSubscription, f: SubscriptionForm): Partial<{ url: string; description: string; eventTypes: string[] }> {
  const out: Partial<{ url: string; description: string; eventTypes: string[] }> = {};
  const after = createBody(f);
  if (after.url !== before.url) out.url = after.url;
  if (after.description !== (before.description ?? '')) out.description = after.description;
  const same = [...after.eventTypes].sort().join() === [...before.eventTypes].sort().join();
  if (!same) out.eventTypes = after.eventTypes;
  return out;
}

/** Why the form cannot be sent, per field, before the broker is asked. */
export function formProblems(f: SubscriptionForm): Record<string, string> {
  const out: Record<string, string> = {};
  if (!f.url.trim()) out.url = 'The endpoint’s URL is needed.';
  else if (!/^https?:\/\//i.test(f.url.trim())) out.url = 'The URL starts with https:// (http:// only where the operator allows it).';
  if (!f.allTypes && f.eventTypes.length === 0) out.eventTypes = 'Pick at least one event type, or every event.';
  return out;
}

export type ReplayMode = 'time' | 'cursor';

export interface ReplayForm {
  mode: ReplayMode;
  /** datetime-local values in the browser's zone. */
  from: string;
  to: string;
  /** Cursors of the export API ("<tx>.<seq>"): after exclusive, until inclusive. */
  after: string;
  until: string;
}

const CURSOR = /^\d+\.\d+$/;

/** The replay request for the form, or why it cannot be asked (field → words). */
export function replayRequest(f: ReplayForm): { body: Record<string, string> } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const body: Record<string, string> = {};
  if (f.mode === 'time') {
    const from = f.from ? localInputToIso(f.from) : '';
    const to = f.to ? localInputToIso(f.to) : '';
    if (!from) problems.from = 'Choose when the range starts.';
    if (from && to && Date.parse(to) <= Date.parse(from)) problems.to = 'The end must be after the start.';
    if (from) body.from = from;
    if (to) body.to = to;
  } else {
    const after = f.after.trim();
    const until = f.until.trim();
    if (!after && !until) problems.after = 'Give at least one cursor.';
    if (after && !CURSOR.test(after)) problems.after = 'A cursor looks like 4711.12 (from the export API’s Deskport-Next-Cursor).';
    if (until && !CURSOR.test(until)) problems.until = 'A cursor looks like 4711.12 (from the export API’s Deskport-Next-Cursor).';
    if (after) body.after = after;
    if (until) body.until = until;
  }
  return Object.keys(problems).length ? { problems } : { body };
}

/** The replay as the broker planned it, in words. */
export function replayWords(r: WebhookReplay): string {
  const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  const times = r.from || r.to ? ` written ${r.from ? `from ${when(r.from)}` : ''}${r.from && r.to ? ' ' : ''}${r.to ? `until ${when(r.to)}` : ''}` : '';
  if (r.after === r.until) {
    return `No event is in that range${times}: nothing is sent again.`;
  }
  return `The events${times} (log positions after ${r.after} up to ${r.until}) are being sent again, each with its own webhook-id; the delivery log marks them “replay”.`;
}
