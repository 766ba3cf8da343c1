import { Suspense, lazy, type ReactNode } from 'react';
import {
  Card,
  CardBody,
  CardFooter,
  CardTitle,
  Content,
  EmptyState,
  EmptyStateBody,
  EmptyStateFooter,
  ExpandableSection,
  Flex,
  FlexItem,
  Grid,
  GridItem,
  Label,
  List,
  ListItem,
  PageSection,
  Progress,
  ProgressMeasureLocation,
  ProgressVariant,
  Spinner,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Link } from 'react-router-dom';

import { useAuth } from '../../auth';
import { useConsole } from '../ConsoleContext';
import { When } from '../controls';
import { canAdminister } from '../roles';
import {
  LIVE_STATE_WORDS,
  connectsView,
  emptyHints,
  headline,
  hypervisorHostsView,
  poolHealthList,
  provisioningView,
  seatView,
  sessionHostsView,
  timelineView,
  type EmptyHint,
  type Tone,
} from './dashboardLogic';
import type { DashboardSnapshot } from './dashboardTypes';
import { LiveIndicator } from './LiveIndicator';
import { useLiveDashboard } from './useLiveDashboard';

const SessionsChart = lazy(() => import('./SessionsChart'));
const RefusalsChart = lazy(() => import('./RefusalsChart'));

/** The most pools listed by health (the ones needing attention come first). */
const POOLS_SHOWN = 10;

const progressVariant = (tone: Tone) =>
  tone === 'red' ? ProgressVariant.danger : tone === 'orange' ? ProgressVariant.warning : undefined;

/** Live, reconnecting, or why not: announced politely to screen readers. */
function Hint({ hint }: { hint: EmptyHint }) {
  return (
    <EmptyState titleText={hint.title} headingLevel="h3" variant="xs">
      <EmptyStateBody>{hint.body}</EmptyStateBody>
      {hint.link && (
        <EmptyStateFooter>
          <Link to={hint.link.to}>{hint.link.label}</Link>
        </EmptyStateFooter>
      )}
    </EmptyState>
  );
}

function DashCard({ title, testId, children, footer }: { title: string; testId: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <Card isFullHeight data-testid={testId} component="section" aria-labelledby={`${testId}-title`}>
      <CardTitle>
        <Title headingLevel="h2" size="lg" id={`${testId}-title`}>
          {title}
        </Title>
      </CardTitle>
      <CardBody>{children}</CardBody>
      {footer && <CardFooter>{footer}</CardFooter>}
    </Card>
  );
}

function BigFigure({ value, label, testId }: { value: ReactNode; label: string; testId?: string }) {
  return (
    <div className="dp-figure">
      <span className="dp-figure__value" data-testid={testId}>
        {value}
      </span>
      <span className="dp-figure__label">{label}</span>
    </div>
  );
}

function SessionsCard({ s, hint }: { s: NonNullable<DashboardSnapshot['sessions']>; hint?: EmptyHint }) {
  return (
    <DashCard
      title="Sessions now"
      testId="card-sessions"
      footer={<Link to="/console/sessions">See the sessions</Link>}
    >
      <BigFigure value={s.live} label="live sessions" testId="sessions-live" />
      {hint ? (
        <Hint hint={hint} />
      ) : (
        <>
          <List isPlain aria-label="Live sessions by state">
            {Object.entries(s.byState).map(([state, n]) => (
              <ListItem key={state}>
                <Link to={`/console/sessions?state=${state}`}>{LIVE_STATE_WORDS[state] ?? state}</Link>: {n}
              </ListItem>
            ))}
          </List>
          {s.byPool.length > 0 && (
            <Table aria-label="Live sessions by pool" variant="compact" className="pf-v6-u-mt-md">
              <Thead>
                <Tr>
                  <Th>Pool</Th>
                  <Th>Live</Th>
                </Tr>
              </Thead>
              <Tbody>
                {s.byPool.slice(0, 8).map((p) => (
                  <Tr key={p.poolId}>
                    <Td dataLabel="Pool">
                      <Link to={`/console/sessions?poolId=${encodeURIComponent(p.poolId)}`}>{p.poolName ?? 'A removed pool'}</Link>
                    </Td>
                    <Td dataLabel="Live">{p.live}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </>
      )}
    </DashCard>
  );
}

function TimelineCard({ s }: { s: NonNullable<DashboardSnapshot['sessions']> }) {
  const data = timelineView(s);
  return (
    <DashCard title="Sessions, last 24 hours" testId="card-timeline">
      <Content component="p" className="dp-secondary">
        Peak of concurrent sessions in each hour. {data.summary}
        {data.otherPools > 0 && ` ${data.otherPools} more pools are in the total only.`}
      </Content>
      {data.any && (
        <Suspense fallback={<Spinner size="lg" aria-label="Loading the chart" />}>
          <SessionsChart data={data} />
        </Suspense>
      )}
      <ExpandableSection toggleText="Show as a table">
        <Table aria-label="Peak of concurrent sessions per hour" variant="compact">
          <Thead>
            <Tr>
              <Th>Hour</Th>
              <Th>{data.total.name}</Th>
              {data.pools.map((p) => (
                <Th key={p.name}>{p.name}</Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {data.labels.map((label, i) => (
              <Tr key={s.lastDay.hours[i]}>
                <Td dataLabel="Hour">{label}</Td>
                <Td dataLabel={data.total.name}>{data.total.points[i].y}</Td>
                {data.pools.map((p) => (
                  <Td key={p.name} dataLabel={p.name}>
                    {p.points[i].y}
                  </Td>
                ))}
              </Tr>
            ))}
          </Tbody>
        </Table>
      </ExpandableSection>
    </DashCard>
  );
}

function ConnectsCard({ c, hint }: { c: NonNullable<DashboardSnapshot['connects']>; hint?: EmptyHint }) {
  const v = connectsView(c);
  return (
    <DashCard title="Connects, last hour" testId="card-connects" footer={<Link to="/console/audit">See the audit trail</Link>}>
      <Flex spaceItems={{ default: 'spaceItemsXl' }}>
        <FlexItem>
          <BigFigure value={v.created} label="new sessions" testId="connects-created" />
        </FlexItem>
        <FlexItem>
          <BigFigure value={v.reconnected} label="reconnects" />
        </FlexItem>
        <FlexItem>
          <BigFigure value={v.refused} label={`refused (${v.refusedShare})`} testId="connects-refused" />
        </FlexItem>
      </Flex>
      {hint && <Hint hint={hint} />}
      {v.refusals.length > 0 && (
        <>
          <Suspense fallback={<Spinner size="lg" aria-label="Loading the chart" />}>
            <RefusalsChart data={v} />
          </Suspense>
          <List aria-label="Refused connects by reason" data-testid="refusals">
            {v.refusals.map((r) => (
              <ListItem key={r.reason}>
                <strong>
                  {r.label}: {r.count}
                </strong>{' '}
                <span className="dp-secondary">{r.help}</span>
                {r.pools.length > 0 && (
                  <List isPlain>
                    {r.pools.map((p) => (
                      <ListItem key={p.poolId}>
                        <Link to={p.href}>{p.name}</Link> ({p.count}) — <Link to={p.sessionsHref}>its sessions</Link>
                      </ListItem>
                    ))}
                  </List>
                )}
              </ListItem>
            ))}
          </List>
        </>
      )}
    </DashCard>
  );
}

function PoolsCard({ pools, hint }: { pools: NonNullable<DashboardSnapshot['pools']>; hint?: EmptyHint }) {
  const views = poolHealthList(pools);
  const shown = views.slice(0, POOLS_SHOWN);
  return (
    <DashCard title="Pool health" testId="card-pools" footer={<Link to="/console/pools">All pools</Link>}>
      {hint ? (
        <Hint hint={hint} />
      ) : (
        <Table aria-label="Pool health, the pools needing attention first" variant="compact">
          <Thead>
            <Tr>
              <Th>Pool</Th>
              <Th>Health</Th>
              <Th>Desktops and sessions</Th>
            </Tr>
          </Thead>
          <Tbody>
            {shown.map((p) => (
              <Tr key={p.poolId} data-testid={`pool-health-${p.poolId}`}>
                <Td dataLabel="Pool">
                  <Link to={p.href}>{p.name}</Link>
                </Td>
                <Td dataLabel="Health">
                  <Label color={p.tone}>{p.status}</Label>
                </Td>
                <Td dataLabel="Desktops and sessions">
                  {p.figures}
                  {p.target && <div className="dp-secondary">{p.target}</div>}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {views.length > shown.length && (
        <Content component="p" className="dp-secondary pf-v6-u-mt-sm">
          {views.length - shown.length} more pools, all shown on the pools page.
        </Content>
      )}
    </DashCard>
  );
}

function SessionHostsCard({ s, generatedAt, hint }: { s: NonNullable<DashboardSnapshot['sessionHosts']>; generatedAt: string; hint?: EmptyHint }) {
  const v = sessionHostsView(s, generatedAt);
  const hosts = (label: string, list: typeof v.busiest) =>
    list.length > 0 && (
      <>
        <Title headingLevel="h3" size="md" className="pf-v6-u-mt-md">
          {label}
        </Title>
        <List isPlain aria-label={label}>
          {list.map((h) => (
            <ListItem key={h.id}>
              <Link to={h.href}>{h.name}</Link> ({h.poolName}): <Label color={h.tone} isCompact>{h.state}</Label> {h.load}, {h.heartbeat}
            </ListItem>
          ))}
        </List>
      </>
    );
  return (
    <DashCard title="Session hosts" testId="card-session-hosts" footer={<Link to="/console/hosts">All session hosts</Link>}>
      {hint ? (
        <Hint hint={hint} />
      ) : (
        <>
          <Content component="p">{v.summary}</Content>
          <Progress
            value={s.capacity ? Math.min(100, (s.sessions / s.capacity) * 100) : 0}
            title="Session seats in use"
            label={v.sessions}
            measureLocation={ProgressMeasureLocation.outside}
            variant={progressVariant(v.tone)}
            aria-label="Session seats in use"
          />
          {hosts('Needing attention', v.attention)}
          {hosts('Busiest', v.busiest)}
        </>
      )}
    </DashCard>
  );
}

function HypervisorHostsCard({ h, hint }: { h: NonNullable<DashboardSnapshot['hypervisorHosts']>; hint?: EmptyHint }) {
  const v = hypervisorHostsView(h);
  return (
    <DashCard title="Hypervisor hosts" testId="card-hypervisor-hosts" footer={<Link to="/console/hosts?tab=hypervisors">All hypervisor hosts</Link>}>
      {hint ? (
        <Hint hint={hint} />
      ) : (
        <>
          <Content component="p">{v.summary}</Content>
          <Content component="p" className="dp-secondary">
            Allocated to the running desktops of {v.scopeWords}:
          </Content>
          <Progress value={v.cpu.total ? Math.min(100, (v.cpu.used / v.cpu.total) * 100) : 0} title="CPU" label={v.cpu.words} measureLocation={ProgressMeasureLocation.outside} aria-label="CPU allocated" />
          <Progress value={v.memory.total ? Math.min(100, (v.memory.used / v.memory.total) * 100) : 0} title="Memory" label={v.memory.words} measureLocation={ProgressMeasureLocation.outside} aria-label="Memory allocated" />
          {v.busiest.length > 0 && (
            <List isPlain aria-label="Most allocated hosts" className="pf-v6-u-mt-md">
              {v.busiest.map((b) => (
                <ListItem key={b.id}>
                  <Label color={b.tone} isCompact>
                    {b.name}
                  </Label>{' '}
                  {b.words}
                  {b.simulated && ' (simulated)'}
                </ListItem>
              ))}
            </List>
          )}
        </>
      )}
    </DashCard>
  );
}

function LicencesCard({ licences, hint }: { licences: NonNullable<DashboardSnapshot['licences']>; hint?: EmptyHint }) {
  return (
    <DashCard title="Licence seats" testId="card-licences" footer={<Link to="/console/licences">All licences</Link>}>
      {hint ? (
        <Hint hint={hint} />
      ) : (
        licences.map(seatView).map((l) => (
          <div key={l.productId} className="pf-v6-u-mb-md" data-testid={`seats-${l.productId}`}>
            <Link to={l.href}>{l.name}</Link> <Label color={l.tone} isCompact>{l.status}</Label>
            <Progress
              value={l.seats ? Math.min(100, (l.inUse / l.seats) * 100) : l.inUse ? 100 : 0}
              title={l.name}
              label={l.words}
              measureLocation={ProgressMeasureLocation.outside}
              variant={progressVariant(l.tone)}
              aria-label={`Seats of ${l.name} in use`}
            />
          </div>
        ))
      )}
    </DashCard>
  );
}

function ProvisioningCard({ p }: { p: NonNullable<DashboardSnapshot['provisioning']> }) {
  const v = provisioningView(p);
  return (
    <DashCard title="Provisioning tasks" testId="card-provisioning">
      <Content component="p">
        <Label color={v.tone}>{v.summary}</Label>
      </Content>
      {v.failures.length === 0 ? (
        <Content component="p" className="dp-secondary">
          No task failed in the last {p.failedWithinHours} hours.
        </Content>
      ) : (
        <List aria-label="Recent failed tasks">
          {v.failures.map((f) => (
            <ListItem key={f.taskId}>
              {f.words}
              {f.href && (
                <>
                  {' '}
                  — <Link to={f.href}>{f.poolName ?? 'its pool'}</Link>
                </>
              )}{' '}
              <span className="dp-secondary">
                <When at={f.finishedAt} />
              </span>
            </ListItem>
          ))}
        </List>
      )}
    </DashCard>
  );
}

/** The console's first page: the tenant's estate at a glance, kept live by the broker's event stream. */
export function DashboardPage() {
  const { client, actingTenant } = useConsole();
  const { user } = useAuth();
  const admin = canAdminister(user);
  const { snapshot: s, status } = useLiveDashboard(client);
  const hints = s ? emptyHints(s, admin) : {};

  return (
    <PageSection>
      <Flex alignItems={{ default: 'alignItemsCenter' }} spaceItems={{ default: 'spaceItemsMd' }} className="pf-v6-u-mb-sm">
        <FlexItem>
          <Title headingLevel="h1">Dashboard</Title>
        </FlexItem>
        <FlexItem>
          <LiveIndicator status={status} />
        </FlexItem>
        {s && (
          <FlexItem className="dp-secondary">
            Figures of <When at={s.generatedAt} />
          </FlexItem>
        )}
      </Flex>
      <Content component="p" className="dp-secondary" data-testid="dashboard-headline">
        {s ? headline(s) : `The estate of ${actingTenant ? actingTenant.name : 'your organisation'}, as it changes.`}
      </Content>
      {!s && status.state !== 'stopped' && <Spinner aria-label="Loading the dashboard" />}
      {s && (
        <Grid hasGutter className="pf-v6-u-mt-md">
          {s.sessions && (
            <GridItem md={5} xl={3}>
              <SessionsCard s={s.sessions} hint={hints.sessions} />
            </GridItem>
          )}
          {s.sessions && (
            <GridItem md={7} xl={9}>
              <TimelineCard s={s.sessions} />
            </GridItem>
          )}
          {s.connects && (
            <GridItem md={12} xl={6}>
              <ConnectsCard c={s.connects} hint={hints.connects} />
            </GridItem>
          )}
          {s.pools && (
            <GridItem md={12} xl={6}>
              <PoolsCard pools={s.pools} hint={hints.pools} />
            </GridItem>
          )}
          {s.sessionHosts && (
            <GridItem md={6}>
              <SessionHostsCard s={s.sessionHosts} generatedAt={s.generatedAt} hint={hints.sessionHosts} />
            </GridItem>
          )}
          {s.hypervisorHosts && (
            <GridItem md={6}>
              <HypervisorHostsCard h={s.hypervisorHosts} hint={hints.hypervisorHosts} />
            </GridItem>
          )}
          {s.licences && (
            <GridItem md={6}>
              <LicencesCard licences={s.licences} hint={hints.licences} />
            </GridItem>
          )}
          {s.provisioning && (
            <GridItem md={6}>
              <ProvisioningCard p={s.provisioning} />
            </GridItem>
          )}
        </Grid>
      )}
    </PageSection>
  );
}
