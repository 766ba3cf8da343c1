/**
 * The webhook API's shapes as the broker answers them (metering.WebhookSubscription, WebhookAttempt and
 * WebhookSubscriptions.Replay). Times are ISO instants.
 */

export interface WebhookDelivery {
  /** The last event read from the log for it (every event up to it was delivered or waits in the retries). */
  cursor: string | null;
  /** Since when every attempt failed (null: the last one succeeded). */
  failingSince: string | null;
  lastSuccessAt: string | null;
  /** Events waiting for another attempt. */
  retriesPending: number;
}

export interface WebhookSubscription {
  id: string;
  /** null: a platform subscription, sent every organisation's events. */
  tenantId: string | null;
  url: string;
  description: string;
  /** CloudEvents types; empty: every type. */
  eventTypes: string[];
  enabled: boolean;
  /** ADMIN (an admin disabled it) or FAILING (every delivery failed for the give-up window); null while enabled. */
  disabledReason: 'ADMIN' | 'FAILING' | null;
  disabledAt: string | null;
  /** After a rotation, until when the previous secret still signs beside the new one. */
  previousSecretValidUntil: string | null;
  secretRotatedAt: string | null;
  delivery: WebhookDelivery;
  createdAt: string;
  updatedAt: string;
}

/** A subscription as created or rotated: with its signing secret, shown this once. */
export type WebhookWithSecret = WebhookSubscription & { secret: string };

export interface WebhookAttempt {
  id: number;
  /** The event's CloudEvents id, sent as webhook-id. */
  eventId: string;
  eventType: string;
  attempt: number;
  replay: boolean;
  at: string;
  /** The HTTP status answered; null when none was (refused, timed out, address not allowed). */
  status: number | null;
  latencyMs: number;
  succeeded: boolean;
  error: string | null;
}

export interface WebhookReplay {
  id: string;
  subscriptionId: string;
  after: string;
  until: string;
  from: string | null;
  to: string | null;
  requestedAt: string;
}
