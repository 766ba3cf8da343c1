import { Button, Content, Label, PageSection, Tab, TabTitleText, Tabs, Title, ToolbarItem } from '@patternfly/react-core';
import { Link, useSearchParams } from 'react-router-dom';

import { useAuth } from '../../auth';
import { ConsoleList, useConsoleList, useNotice, type FilterKey } from '../ConsoleList';
import { useConsole } from '../ConsoleContext';
import type { Column } from '../PagedTable';
import { SelectFilter, TextFilter, When } from '../controls';
import { isPlatformAdmin } from '../roles';
import { useSubscriptionActions } from './SubscriptionActions';
import { eventTypesWords, statusWords, webhooksPath, type WebhookScope } from './webhookLogic';
import type { WebhookSubscription } from './webhookTypes';

const FILTERS = ['q', 'enabled'] as const;

/** Where a subscription's page is, in its scope. */
export function subscriptionLink(scope: WebhookScope, id: string): string {
  return `/console/webhooks/${encodeURIComponent(id)}${scope === 'platform' ? '?scope=platform' : ''}`;
}

/** The status of a subscription as a label, with why it is disabled. */
export function SubscriptionStatus({ subscription }: { subscription: WebhookSubscription }) {
  const s = statusWords(subscription);
  return (
    <>
      <Label color={s.colour} data-testid="webhook-status">
        {s.label}
      </Label>
      {subscription.disabledAt && (
        <div className="dp-secondary">
          since <When at={subscription.disabledAt} />
        </div>
      )}
    </>
  );
}

function Subscriptions({ scope }: { scope: WebhookScope }) {
  const state = useConsoleList<WebhookSubscription, FilterKey<typeof FILTERS>>(webhooksPath(scope), FILTERS, 'createdAt');
  const f = state.filters;
  const notice = useNotice();
  const actions = useSubscriptionActions(scope, notice, state.list.reload);
  const what = scope === 'platform' ? 'every organisation’s usage events' : 'this organisation’s usage events';

  const columns: Column<WebhookSubscription>[] = [
    {
      title: 'Endpoint',
      sortKey: 'url',
      render: (s) => (
        <>
          <Link to={subscriptionLink(scope, s.id)} aria-label={`Deliveries to ${s.url}`}>
            {s.url}
          </Link>
          {s.description && <div className="dp-secondary">{s.description}</div>}
        </>
      ),
    },
    { title: 'Events', render: (s) => eventTypesWords(s.eventTypes) },
    { title: 'Status', render: (s) => <SubscriptionStatus subscription={s} /> },
    {
      title: 'Last delivered',
      render: (s) => (
        <>
          <When at={s.delivery.lastSuccessAt} />
          {s.delivery.retriesPending > 0 && <div className="dp-secondary">{s.delivery.retriesPending} waiting for a retry</div>}
        </>
      ),
    },
    { title: 'Created', sortKey: 'createdAt', render: (s) => <When at={s.createdAt} /> },
  ];

  return (
    <>
      <ConsoleList
        state={state}
        notice={notice}
        label={scope === 'platform' ? 'Platform webhook subscriptions' : 'Webhook subscriptions'}
        columns={columns}
        rowKey={(s) => s.id}
        actions={(s) => (
          <>
            <Button variant="secondary" size="sm" onClick={() => actions.edit(s)} aria-label={`Edit the subscription to ${s.url}`}>
              Edit
            </Button>{' '}
            <Button variant="link" size="sm" onClick={() => actions.rotate(s)} aria-label={`Rotate secret of ${s.url}`}>
              Rotate secret
            </Button>
            <Button variant="link" size="sm" onClick={() => actions.setEnabled(s, !s.enabled)} aria-label={`${s.enabled ? 'Disable' : 'Enable'} the subscription to ${s.url}`}>
              {s.enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button variant="link" isDanger size="sm" onClick={() => actions.remove(s)} aria-label={`Delete the subscription to ${s.url}`}>
              Delete
            </Button>
          </>
        )}
        toolbar={
          <>
            <TextFilter label="Search subscriptions by URL or description" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="URL or description" />
            <SelectFilter
              id={`webhooks-enabled-${scope}`}
              label="Status"
              value={f.filters.enabled}
              onChange={(v) => f.setFilter('enabled', v)}
              options={[
                { value: 'true', label: 'Enabled' },
                { value: 'false', label: 'Disabled' },
              ]}
            />
            <ToolbarItem>
              <Button onClick={actions.create}>New subscription</Button>
            </ToolbarItem>
          </>
        }
        empty={{
          title: 'No webhook subscriptions yet',
          body: `A subscription sends ${what} to your billing or monitoring system as they happen, signed so it can check they come from Deskport. Create one with the endpoint’s URL; you get its signing secret once.`,
          action: <Button onClick={actions.create}>New subscription</Button>,
        }}
      />
      {actions.dialogs}
    </>
  );
}

/**
 * Webhooks (tenant admins, and platform admins in the organisation they act in): the subscriptions that are sent the
 * usage events, with their status and delivery log. Platform admins in their own view also manage the platform's
 * subscriptions (every organisation's events), in their own tab.
 */
export function WebhooksPage() {
  const { user } = useAuth();
  const { actingTenant } = useConsole();
  const platform = isPlatformAdmin(user) && !actingTenant;
  const [params, setParams] = useSearchParams();
  const tab: WebhookScope = platform && params.get('tab') === 'platform' ? 'platform' : 'tenant';
  return (
    <PageSection>
      <Title headingLevel="h1">Webhooks</Title>
      <Content component="p" className="dp-secondary">
        Usage events pushed to your systems as they are committed: each delivery is one signed CloudEvent, retried until the endpoint takes it,
        and listed in the subscription’s delivery log, from where a range can be sent again.
      </Content>
      {platform ? (
        <Tabs activeKey={tab} onSelect={(_e, key) => setParams(key === 'platform' ? { tab: 'platform' } : {}, { replace: true })} aria-label="Whose subscriptions">
          <Tab eventKey="tenant" title={<TabTitleText>This organisation</TabTitleText>}>
            {tab === 'tenant' && <Subscriptions scope="tenant" />}
          </Tab>
          <Tab eventKey="platform" title={<TabTitleText>Platform-wide</TabTitleText>}>
            {tab === 'platform' && <Subscriptions scope="platform" />}
          </Tab>
        </Tabs>
      ) : (
        <Subscriptions scope="tenant" />
      )}
    </PageSection>
  );
}
