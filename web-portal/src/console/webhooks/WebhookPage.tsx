import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  Label,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { ConsoleList, NoticeAlert, useConsoleList, useNotice, type FilterKey } from '../ConsoleList';
import { useConsole } from '../ConsoleContext';
import type { Column } from '../PagedTable';
import { ProblemAlert, SelectFilter, TextFilter, When } from '../controls';
import { ReplayModal } from './ReplayModal';
import { useSubscriptionActions } from './SubscriptionActions';
import { eventTypeWords, eventTypesWords, replayWords, statusWords, webhooksPath, type WebhookScope } from './webhookLogic';
import { SubscriptionStatus } from './WebhooksPage';
import type { WebhookAttempt, WebhookSubscription } from './webhookTypes';

const ATTEMPT_FILTERS = ['succeeded', 'eventId'] as const;

/** The delivery log: every attempt, newest first, with its HTTP status, latency and error. */
function Attempts({ path, reloadKey }: { path: string; reloadKey: number }) {
  const state = useConsoleList<WebhookAttempt, FilterKey<typeof ATTEMPT_FILTERS>>(`${path}/attempts`, ATTEMPT_FILTERS, '-at', { local: true });
  const f = state.filters;
  const { reload } = state.list;
  useEffect(() => {
    if (reloadKey > 0) reload();
  }, [reloadKey, reload]);
  const columns: Column<WebhookAttempt>[] = [
    { title: 'When', sortKey: 'at', render: (a) => <When at={a.at} /> },
    {
      title: 'Event',
      render: (a) => (
        <>
          {eventTypeWords(a.eventType)} <span className="dp-secondary">#{a.eventId}</span>
          {a.replay && (
            <Label isCompact color="purple" className="pf-v6-u-ml-xs">
              replay
            </Label>
          )}
        </>
      ),
    },
    { title: 'Attempt', render: (a) => a.attempt },
    {
      title: 'Result',
      render: (a) => (
        <Label color={a.succeeded ? 'green' : 'red'} isCompact>
          {a.status === null ? 'no answer' : `HTTP ${a.status}`}
        </Label>
      ),
    },
    { title: 'Latency', render: (a) => `${a.latencyMs.toLocaleString('en-GB')} ms` },
    { title: 'Error', render: (a) => (a.error ? <span className="dp-details">{a.error}</span> : '—') },
  ];
  return (
    <ConsoleList
      state={state}
      label="Delivery attempts"
      columns={columns}
      rowKey={(a) => String(a.id)}
      toolbar={
        <>
          <SelectFilter
            id="attempts-succeeded"
            label="Result"
            value={f.filters.succeeded}
            onChange={(v) => f.setFilter('succeeded', v)}
            options={[
              { value: 'false', label: 'Failed' },
              { value: 'true', label: 'Delivered' },
            ]}
          />
          <TextFilter label="Event id (the webhook-id)" value={f.filters.eventId} onApply={(v) => f.setFilter('eventId', v)} placeholder="Event id" />
        </>
      }
      empty={{
        title: 'Nothing sent yet',
        body: 'Attempts appear here as soon as events are sent: a new subscription is sent the events committed after its creation. To send older ones, replay a range.',
      }}
    />
  );
}

/** A subscription's page: where it stands (a disabled one says why), its changes, its delivery log and a replay. */
export function WebhookPage() {
  const { subscriptionId = '' } = useParams();
  const [params] = useSearchParams();
  const scope: WebhookScope = params.get('scope') === 'platform' ? 'platform' : 'tenant';
  const path = `${webhooksPath(scope)}/${encodeURIComponent(subscriptionId)}`;
  const list = scope === 'platform' ? '/console/webhooks?tab=platform' : '/console/webhooks';
  const { client } = useConsole();
  const navigate = useNavigate();
  const [subscription, setSubscription] = useState<WebhookSubscription | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [generation, setGeneration] = useState(0);
  const [replaying, setReplaying] = useState(false);
  const notice = useNotice();
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const actions = useSubscriptionActions(scope, notice, reload, () => navigate(list, { replace: true }));

  useEffect(() => {
    let live = true;
    client
      .get<WebhookSubscription>(path)
      .then((r) => live && (setSubscription(r.value), setProblem(null)))
      .catch((e: unknown) => live && setProblem(humanError(e, 'admin')));
    return () => {
      live = false;
    };
  }, [client, path, generation]);

  const status = subscription ? statusWords(subscription) : null;
  return (
    <PageSection>
      <Breadcrumb className="pf-v6-u-mb-md">
        <BreadcrumbItem>
          <Link to={list}>Webhooks</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>{subscription?.url ?? 'Subscription'}</BreadcrumbItem>
      </Breadcrumb>
      <ProblemAlert problem={problem} />
      {!subscription && !problem && <Spinner aria-label="Loading the subscription" />}
      {subscription && status && (
        <>
          <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }} alignItems={{ default: 'alignItemsCenter' }}>
            <FlexItem>
              <Title headingLevel="h1" className="dp-details">
                {subscription.url}
              </Title>
              {subscription.description && <p className="dp-secondary">{subscription.description}</p>}
            </FlexItem>
            <FlexItem>
              <Button variant="secondary" onClick={() => actions.edit(subscription)}>
                Edit
              </Button>{' '}
              <Button variant="secondary" onClick={() => actions.rotate(subscription)}>
                Rotate secret
              </Button>{' '}
              <Button variant="secondary" onClick={() => actions.setEnabled(subscription, !subscription.enabled)}>
                {subscription.enabled ? 'Disable' : 'Enable'}
              </Button>{' '}
              <Button onClick={() => setReplaying(true)}>Replay events</Button>{' '}
              <Button variant="link" isDanger onClick={() => actions.remove(subscription)}>
                Delete
              </Button>
            </FlexItem>
          </Flex>
          <div data-testid="webhook-notice">
            <NoticeAlert notice={notice.notice} onClose={notice.clear} className="pf-v6-u-my-md" />
          </div>
          {status.detail && (
            <Alert variant={status.colour === 'red' ? 'danger' : status.colour === 'orange' ? 'warning' : 'info'} isInline title={status.label} className="pf-v6-u-my-md" data-testid="webhook-disabled-reason">
              {status.detail}
            </Alert>
          )}
          <DescriptionList isCompact isHorizontal columnModifier={{ lg: '2Col' }} className="pf-v6-u-my-md">
            <DescriptionListGroup>
              <DescriptionListTerm>Status</DescriptionListTerm>
              <DescriptionListDescription>
                <SubscriptionStatus subscription={subscription} />
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Events sent</DescriptionListTerm>
              <DescriptionListDescription>
                {subscription.eventTypes.length === 0 ? eventTypesWords([]) : subscription.eventTypes.map(eventTypeWords).join(', ')}
                {scope === 'platform' && ', of every organisation'}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Last delivered</DescriptionListTerm>
              <DescriptionListDescription>
                <When at={subscription.delivery.lastSuccessAt} />
                {subscription.delivery.retriesPending > 0 && ` (${subscription.delivery.retriesPending} waiting for a retry)`}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Read up to</DescriptionListTerm>
              <DescriptionListDescription>
                <code>{subscription.delivery.cursor ?? '—'}</code> <span className="dp-secondary">(a cursor of the export API)</span>
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Signing secret</DescriptionListTerm>
              <DescriptionListDescription>
                {subscription.secretRotatedAt ? (
                  <>
                    rotated <When at={subscription.secretRotatedAt} />
                  </>
                ) : (
                  'as created'
                )}
                {subscription.previousSecretValidUntil && (
                  <div className="dp-secondary">
                    the previous one signs too until <When at={subscription.previousSecretValidUntil} />
                  </div>
                )}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Audit trail</DescriptionListTerm>
              <DescriptionListDescription>
                <Link to={`/console/audit?objectType=WEBHOOK_SUBSCRIPTION&objectId=${encodeURIComponent(subscription.id)}`}>Changes to this subscription</Link>
              </DescriptionListDescription>
            </DescriptionListGroup>
          </DescriptionList>
          <section aria-labelledby="webhook-attempts">
            <Title headingLevel="h2" id="webhook-attempts" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Delivery log
            </Title>
            <Attempts path={path} reloadKey={generation} />
          </section>
          {replaying && (
            <ReplayModal
              path={path}
              subscription={subscription}
              onClose={() => setReplaying(false)}
              onReplayed={(r) => {
                setReplaying(false);
                notice.show(replayWords(r));
                reload();
              }}
            />
          )}
          {actions.dialogs}
        </>
      )}
    </PageSection>
  );
}
