import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { orEmptyLists, pathOf, queryOf, renderApp, resetBetweenTests, type Answer, type Call } from './testConsole';
import type { WebhookAttempt, WebhookSubscription } from './webhooks/webhookTypes';

resetBetweenTests();

const HOOKS = '/api/v1/admin/webhooks';

const hook: WebhookSubscription = {
  id: 'w1',
  tenantId: 't-1',
  url: 'https://billing.example.com/hooks',
  description: 'Billing',
  eventTypes: [],
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  previousSecretValidUntil: null,
  secretRotatedAt: null,
  delivery: { cursor: '100.7', failingSince: null, lastSuccessAt: '2026-12-05T10:00:00Z', retriesPending: 0 },
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};

const dialog = () => screen.findByRole('dialog');

describe('webhook subscriptions', () => {
  it('creates a subscription for some events and shows its secret once, to copy', async () => {
    let created: WebhookSubscription | null = null;
    const calls = renderApp('/console/webhooks', ['TENANT_ADMIN'], (c): Answer | undefined => {
      if (pathOf(c.url) !== HOOKS) return undefined;
      if (c.method === 'POST') {
        created = { ...hook, id: 'w2', url: 'https://new.example/h', eventTypes: ['io.deskport.session.ended'] };
        return { status: 201, body: { ...created, secret: 'whsec_c2VjcmV0LXNob3duLW9uY2U=' }, headers: { ETag: '"0"' } };
      }
      return { body: created ? [created] : [] };
    });
    expect(await screen.findByText('No webhook subscriptions yet')).toBeInTheDocument();
    await userEvent.click(screen.getAllByRole('button', { name: 'New subscription' })[0]);
    const form = await dialog();
    await userEvent.click(within(form).getByRole('button', { name: 'Create subscription' }));
    expect(within(form).getByText('The endpoint’s URL is needed.')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(within(form).getByLabelText(/^Endpoint URL/), 'https://new.example/h');
    await userEvent.click(within(form).getByLabelText(/^Every event type/));
    await userEvent.click(within(form).getByLabelText('Session ended'));
    await userEvent.click(within(form).getByRole('button', { name: 'Create subscription' }));

    const secret = await screen.findByRole('dialog', { name: /The signing secret$/ });
    expect(within(secret).getByLabelText('The signing secret')).toHaveValue('whsec_c2VjcmV0LXNob3duLW9uY2U=');
    expect(within(secret).getByRole('button', { name: 'Copy the signing secret' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ url: 'https://new.example/h', description: '', eventTypes: ['io.deskport.session.ended'], enabled: true });
    await userEvent.click(within(secret).getByRole('button', { name: 'I have copied it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(document.body).not.toHaveTextContent('whsec_');
    expect(screen.getByText(/The subscription to https:\/\/new.example\/h was created/)).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Deliveries to https://new.example/h' })).toHaveAttribute('href', '/console/webhooks/w2');
  });

  it('edits from the version read: a stale edit is told and nothing is overwritten', async () => {
    const calls = renderApp('/console/webhooks', ['TENANT_ADMIN'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === HOOKS) return { body: [hook] };
      if (p === `${HOOKS}/w1` && c.method === 'PATCH') return { status: 412, body: { reason: 'STALE_VERSION', objectType: 'WebhookSubscription', currentETag: '"4"' } };
      if (p === `${HOOKS}/w1`) return { body: hook, headers: { ETag: '"3"' } };
      return undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit the subscription to https://billing.example.com/hooks' }));
    const form = await dialog();
    const description = await within(form).findByLabelText('Description');
    await waitFor(() => expect(description).toHaveValue('Billing'));
    await userEvent.clear(description);
    await userEvent.type(description, 'Finance');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByTestId('stale-version')).toHaveTextContent('Another admin changed this webhook subscription');
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.headers['If-Match']).toBe('"3"');
    expect(patch.body).toEqual({ description: 'Finance' });
    expect(within(form).getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('disables from the version read, rotates the secret explaining the overlap, and deletes after confirming', async () => {
    const calls = renderApp('/console/webhooks', ['TENANT_ADMIN'], (c): Answer | undefined => {
      const p = pathOf(c.url);
      if (p === HOOKS) return { body: [hook] };
      if (p === `${HOOKS}/w1/rotate-secret`) {
        return { body: { ...hook, secret: 'whsec_bmV3', previousSecretValidUntil: '2026-12-12T10:00:00Z', secretRotatedAt: '2026-12-05T10:00:00Z' } };
      }
      if (p === `${HOOKS}/w1` && c.method === 'PATCH') return { body: { ...hook, enabled: false, disabledReason: 'ADMIN' }, headers: { ETag: '"5"' } };
      if (p === `${HOOKS}/w1` && c.method === 'DELETE') return { status: 204 };
      if (p === `${HOOKS}/w1`) return { body: hook, headers: { ETag: '"4"' } };
      return undefined;
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Disable the subscription to https://billing.example.com/hooks' }));
    let open = await dialog();
    expect(await within(open).findByText(/enabling it later sends every one of them/)).toBeInTheDocument();
    await userEvent.click(within(open).getByRole('button', { name: 'Disable' }));
    expect(await screen.findByText('Nothing more is sent to https://billing.example.com/hooks until it is enabled again.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ headers: { 'If-Match': '"4"' }, body: { enabled: false } });

    await userEvent.click(screen.getByRole('button', { name: 'Rotate secret of https://billing.example.com/hooks' }));
    open = await dialog();
    await userEvent.selectOptions(within(open).getByLabelText('The current secret keeps signing for'), 'P7D');
    await userEvent.click(within(open).getByRole('button', { name: 'Rotate secret' }));
    const secret = await screen.findByRole('dialog', { name: /The new signing secret$/ });
    expect(within(secret).getByLabelText('The signing secret')).toHaveValue('whsec_bmV3');
    expect(within(secret).getByTestId('webhook-overlap')).toHaveTextContent('every delivery carries two signatures');
    expect(calls.find((c) => pathOf(c.url).endsWith('/rotate-secret'))?.body).toEqual({ previousSecretValidFor: 'P7D' });
    await userEvent.click(within(secret).getByRole('button', { name: 'I have copied it' }));

    await userEvent.click(screen.getByRole('button', { name: 'Delete the subscription to https://billing.example.com/hooks' }));
    open = await dialog();
    expect(open).toHaveTextContent('delivery log go with it');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(open).getByRole('button', { name: 'Delete subscription' }));
    expect(await screen.findByText('The subscription to https://billing.example.com/hooks was deleted.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([`${HOOKS}/w1`]);
  });

  it('shows why a subscription was disabled, its delivery log, and replays a range by time', async () => {
    const failing: WebhookSubscription = {
      ...hook,
      enabled: false,
      disabledReason: 'FAILING',
      disabledAt: '2026-12-06T10:00:00Z',
      delivery: { ...hook.delivery, failingSince: '2026-12-05T10:00:00Z', retriesPending: 3 },
    };
    const attempts: WebhookAttempt[] = [
      { id: 9, eventId: '4711', eventType: 'io.deskport.session.ended', attempt: 3, replay: false, at: '2026-12-06T09:59:00Z', status: 500, latencyMs: 12, succeeded: false, error: 'HTTP 500 from the endpoint' },
      { id: 8, eventId: '4710', eventType: 'io.deskport.session.created', attempt: 1, replay: true, at: '2026-12-06T09:58:00Z', status: null, latencyMs: 5000, succeeded: false, error: 'no answer within 5 s' },
    ];
    const calls = renderApp(
      '/console/webhooks/w1',
      ['TENANT_ADMIN'],
      orEmptyLists((c): Answer | undefined => {
        const p = pathOf(c.url);
        if (p === `${HOOKS}/w1`) return { body: failing, headers: { ETag: '"7"' } };
        if (p === `${HOOKS}/w1/attempts`) return { body: attempts, headers: { 'X-Total-Count': '2' } };
        if (p === `${HOOKS}/w1/replay`) {
          return { status: 202, body: { id: 'r1', subscriptionId: 'w1', after: '90.1', until: '120.3', from: (c.body as { from: string }).from, to: null, requestedAt: '2026-12-06T10:00:00Z' } };
        }
        return undefined;
      }),
    );
    expect(await screen.findByTestId('webhook-disabled-reason')).toHaveTextContent('Disabled: the endpoint kept failing');
    expect(screen.getByTestId('webhook-disabled-reason')).toHaveTextContent('enable the subscription and it resumes where it stopped');
    expect(screen.getByRole('button', { name: 'Enable' })).toBeInTheDocument();
    const log = await screen.findByRole('grid', { name: 'Delivery attempts' });
    expect(within(log).getByText('HTTP 500')).toBeInTheDocument();
    expect(within(log).getByText('no answer')).toBeInTheDocument();
    expect(within(log).getByText('no answer within 5 s')).toBeInTheDocument();
    expect(within(log).getByText('5,000 ms')).toBeInTheDocument();
    expect(within(log).getByText('replay')).toBeInTheDocument();
    expect(queryOf(calls.find((c) => pathOf(c.url) === `${HOOKS}/w1/attempts`)!.url).get('sort')).toBe('-at');
    await userEvent.selectOptions(screen.getByLabelText('Result'), 'false');
    await waitFor(() => expect(calls.some((c) => queryOf(c.url).get('succeeded') === 'false')).toBe(true));

    await userEvent.click(screen.getByRole('button', { name: 'Replay events' }));
    const replay = await dialog();
    expect(replay).toHaveTextContent('does not count a range before sending it');
    await userEvent.click(within(replay).getByRole('button', { name: 'Send again' }));
    expect(within(replay).getByText('Choose when the range starts.')).toBeInTheDocument();
    fireEvent.change(within(replay).getByLabelText(/^From/), { target: { value: '2026-12-05T08:00' } });
    await userEvent.click(within(replay).getByRole('button', { name: 'Send again' }));
    expect(await screen.findByTestId('webhook-notice')).toHaveTextContent('(log positions after 90.1 up to 120.3) are being sent again');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ from: new Date('2026-12-05T08:00').toISOString() });
    await waitFor(() => expect(calls.filter((c) => pathOf(c.url) === `${HOOKS}/w1/attempts`).length).toBeGreaterThanOrEqual(3));
  });

  it('offers platform admins the platform’s subscriptions in their own view only', async () => {
    const calls = renderApp('/console/webhooks', ['PLATFORM_ADMIN'], orEmptyLists(() => undefined));
    await userEvent.click(await screen.findByRole('tab', { name: 'Platform-wide' }));
    await waitFor(() => expect(calls.some((c: Call) => pathOf(c.url) === '/api/v1/admin/platform-webhooks')).toBe(true));
    expect(await screen.findByText(/sends every organisation’s usage events/)).toBeInTheDocument();
  });

  it('shows a platform admin acting in an organisation only its subscriptions', async () => {
    sessionStorage.setItem('deskport.console.tenant', JSON.stringify({ id: 't-9', slug: 'acme', name: 'Acme' }));
    const calls = renderApp('/console/webhooks', ['PLATFORM_ADMIN'], orEmptyLists(() => undefined));
    expect(await screen.findByText('No webhook subscriptions yet')).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Platform-wide' })).not.toBeInTheDocument();
    const asked = calls.find((c) => pathOf(c.url) === HOOKS)!;
    expect(asked.headers['X-Deskport-Tenant']).toBe('t-9');
    expect(calls.some((c) => pathOf(c.url) === '/api/v1/admin/platform-webhooks')).toBe(false);
  });
});
