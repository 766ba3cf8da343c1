import { Suspense, lazy, type ReactNode } from 'react';
import { EmptyState, EmptyStateBody, Flex, FlexItem, Grid, GridItem, Spinner, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Link } from 'react-router-dom';

import type { HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert, When } from '../controls';
import { CsvLink } from '../licences/CsvLink';
import { useNames, type NameKind } from '../names';
import { OTHERS, activityChart, activityOf, desktopKey, desktopWords, hoursWords, periodsOf, seriesBy, sizeKey, sizeWords, totalsBy, type ChartData } from './usageLogic';
import type { Granularity, UsageMetric, UsageRollupReport, UsageRollupRow } from './usageTypes';

const UsageChart = lazy(() => import('./UsageChart'));

/** A report being read for a URL: the last one read, and whether it is the URL's. */
export interface Rollups {
  report: UsageRollupReport | null;
  loading: boolean;
  problem: HumanProblem | null;
  /** The same rows as CSV (the broker's own file). */
  csvUrl: string | null;
}

/** How many rows the tables show; every one is in the CSV. */
const TABLE_ROWS = 10;

function Section({ id, title, csv, csvLabel, children }: { id: string; title: string; csv: string | null; csvLabel: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="pf-v6-u-mt-lg">
      <Flex alignItems={{ default: 'alignItemsCenter' }} spaceItems={{ default: 'spaceItemsLg' }} className="pf-v6-u-mb-sm">
        <FlexItem>
          <Title headingLevel="h2" id={id}>
            {title}
          </Title>
        </FlexItem>
        {csv && (
          <FlexItem>
            <CsvLink url={csv} label={csvLabel} />
          </FlexItem>
        )}
      </Flex>
      {children}
    </section>
  );
}

/** The report's state: refused in words, loading, empty (what to do next), or its content. */
function Body({ rollups, metrics, empty, children }: { rollups: Rollups; metrics: readonly UsageMetric[]; empty: ReactNode; children(rows: UsageRollupRow[], report: UsageRollupReport): ReactNode }) {
  if (rollups.problem) {
    return <ProblemAlert problem={rollups.problem} />;
  }
  if (!rollups.report || rollups.loading) {
    return <Spinner aria-label="Loading the usage" size="lg" />;
  }
  const rows = rollups.report.rows.filter((r) => metrics.includes(r.metric));
  if (rows.length === 0) {
    return (
      <EmptyState titleText="Nothing counted in this period" headingLevel="h3" variant="sm">
        <EmptyStateBody>{empty}</EmptyStateBody>
      </EmptyState>
    );
  }
  return <>{children(rows, rollups.report)}</>;
}

function Chart({ data, kind, title, yLabel }: { data: ChartData; kind: 'stack' | 'lines'; title: string; yLabel: string }) {
  return (
    <>
      <Title headingLevel="h3" size="md" className="pf-v6-u-mb-sm">
        {title}
      </Title>
      <Suspense fallback={<Spinner aria-label={`Loading the chart: ${title}`} />}>
        <UsageChart data={data} kind={kind} title={title} yLabel={yLabel} />
      </Suspense>
      <p className="pf-v6-screen-reader">{data.summary}</p>
    </>
  );
}

/** A table of totals beside a chart: a name per key, a column per metric (hours), the first rows only. */
function Totals({ label, keyTitle, columns, totals, name }: { label: string; keyTitle: string; columns: string[]; totals: { key: string; totals: number[] }[]; name(key: string): ReactNode }) {
  const shown = totals.slice(0, TABLE_ROWS);
  return (
    <>
      <Table aria-label={label} variant="compact" gridBreakPoint="grid-md">
        <Thead>
          <Tr>
            <Th modifier="wrap">{keyTitle}</Th>
            {columns.map((c) => (
              <Th key={c} modifier="wrap">
                {c}
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {shown.map((t) => (
            <Tr key={t.key}>
              <Td dataLabel={keyTitle}>{name(t.key)}</Td>
              {t.totals.map((v, i) => (
                <Td key={columns[i]} dataLabel={columns[i]}>
                  {hoursWords(v)}
                </Td>
              ))}
            </Tr>
          ))}
        </Tbody>
      </Table>
      {totals.length > shown.length && <p className="dp-secondary pf-v6-u-mt-sm">{totals.length - shown.length} more in the CSV.</p>}
    </>
  );
}

/** Names for the ids of the keys a chart and its table show (the others are never asked for). */
function useKeyNames(kind: NameKind, keys: string[]) {
  const { client } = useConsole();
  const names = useNames(client, kind, keys.filter((k) => k !== OTHERS));
  return (key: string) => names[key] ?? '…';
}

export const SESSION_METRICS: readonly UsageMetric[] = ['SESSION_SECONDS', 'CONNECTED_SECONDS'];

function SessionCharts({ rows, report }: { rows: UsageRollupRow[]; report: UsageRollupReport }) {
  const periods = periodsOf(report, rows);
  const byPool = totalsBy(rows, SESSION_METRICS, (r) => r.poolId);
  const byUser = totalsBy(rows, SESSION_METRICS, (r) => r.userId);
  const poolName = useKeyNames('pools', byPool.slice(0, TABLE_ROWS).map((t) => t.key));
  const userName = useKeyNames('users', byUser.slice(0, TABLE_ROWS).map((t) => t.key));
  const pools = seriesBy(rows, periods, { metric: 'SESSION_SECONDS', key: (r) => r.poolId, label: poolName, what: 'sessions', unit: 'hours' });
  const users = seriesBy(rows, periods, { metric: 'SESSION_SECONDS', key: (r) => r.userId, label: userName, what: 'sessions', unit: 'hours' });
  return (
    <Grid hasGutter>
      <GridItem lg={7}>
        <Chart data={pools} kind="stack" title="Session hours per pool" yLabel="hours" />
      </GridItem>
      <GridItem lg={5}>
        <Totals label="Session hours per pool" keyTitle="Pool" columns={['Session hours', 'Connected']} totals={byPool} name={(k) => <Link to={`/console/pools/${encodeURIComponent(k)}`}>{poolName(k)}</Link>} />
      </GridItem>
      <GridItem lg={7}>
        <Chart data={users} kind="stack" title="Session hours per user" yLabel="hours" />
      </GridItem>
      <GridItem lg={5}>
        <Totals label="Session hours per user" keyTitle="User" columns={['Session hours', 'Connected']} totals={byUser} name={(k) => <Link to={`/console/sessions?userId=${encodeURIComponent(k)}&state=ALL`}>{userName(k)}</Link>} />
      </GridItem>
    </Grid>
  );
}

export const DESKTOP_METRICS: readonly UsageMetric[] = ['DESKTOP_RUNNING_SECONDS', 'DESKTOP_STOPPED_SECONDS'];

function DesktopCharts({ rows, report }: { rows: UsageRollupRow[]; report: UsageRollupReport }) {
  const periods = periodsOf(report, rows);
  const hours = seriesBy(rows, periods, { metric: DESKTOP_METRICS, key: desktopKey, label: desktopWords, what: 'desktops', unit: 'hours' });
  return (
    <Grid hasGutter>
      <GridItem lg={7}>
        <Chart data={hours} kind="stack" title="Desktop hours by size, running and stopped" yLabel="hours" />
      </GridItem>
      <GridItem lg={5}>
        <Totals label="Desktop hours by size" keyTitle="Size" columns={['Running', 'Stopped']} totals={totalsBy(rows, DESKTOP_METRICS, sizeKey)} name={sizeWords} />
      </GridItem>
    </Grid>
  );
}

function SeatCharts({ rows, report }: { rows: UsageRollupRow[]; report: UsageRollupReport }) {
  const periods = periodsOf(report, rows);
  const byProduct = totalsBy(rows, ['SEAT_SECONDS'], (r) => r.productId);
  const productName = useKeyNames('licence-products', byProduct.slice(0, TABLE_ROWS).map((t) => t.key));
  const seats = seriesBy(rows, periods, { metric: 'SEAT_SECONDS', key: (r) => r.productId, label: productName, what: 'licence seats held', unit: 'seat-hours' });
  return (
    <Grid hasGutter>
      <GridItem lg={7}>
        <Chart data={seats} kind="stack" title="Seat-hours per licence product" yLabel="seat-hours" />
      </GridItem>
      <GridItem lg={5}>
        <Totals label="Seat-hours per licence product" keyTitle="Product" columns={['Seat-hours']} totals={byProduct} name={(k) => <Link to={`/console/licences/${encodeURIComponent(k)}`}>{productName(k)}</Link>} />
      </GridItem>
    </Grid>
  );
}

function ActivityCharts({ rows, report }: { rows: UsageRollupRow[]; report: UsageRollupReport }) {
  const activity = activityOf(rows, periodsOf(report, rows));
  const unit = report.granularity === 'MONTH' ? 'month' : 'day';
  const data = activityChart(activity, unit);
  const Unit = unit === 'month' ? 'Month' : 'Day';
  return (
    <Grid hasGutter>
      <GridItem lg={7}>
        <Chart data={data} kind="lines" title={`Peaks, users and devices per ${unit}`} yLabel="count" />
      </GridItem>
      <GridItem lg={5}>
        <Table aria-label={`Peaks, users and devices per ${unit}`} variant="compact" gridBreakPoint="grid-md">
          <Thead>
            <Tr>
              <Th modifier="wrap">{Unit}</Th>
              <Th modifier="wrap">Peak sessions</Th>
              <Th modifier="wrap">Users</Th>
              <Th modifier="wrap">Devices</Th>
            </Tr>
          </Thead>
          <Tbody>
            {activity
              .filter((a) => a.peak > 0 || a.users > 0)
              .map((a) => (
                <Tr key={a.period}>
                  <Td dataLabel={Unit}>{a.label}</Td>
                  <Td dataLabel="Peak sessions">
                    {a.peak}
                    {a.reachedAt && (
                      <div className="dp-secondary">
                        first at <When at={a.reachedAt} />
                      </div>
                    )}
                  </Td>
                  <Td dataLabel="Users">{a.users}</Td>
                  <Td dataLabel="Devices">{a.devices}</Td>
                </Tr>
              ))}
          </Tbody>
        </Table>
      </GridItem>
    </Grid>
  );
}

const NEXT_SESSIONS = (
  <>
    Sessions are counted from the moment users connect. Entitle a group to a pool on its page (<Link to="/console/pools">Pools</Link>) and have them
    connect; the roll-ups are brought up to date every minute.
  </>
);

/** The figures of a period, one section per kind, each with its own CSV. */
export function UsageSections({ granularity, sessions, desktops, seats, activity }: { granularity: Granularity; sessions: Rollups; desktops: Rollups; seats: Rollups; activity: Rollups }) {
  return (
    <>
      <Section id="usage-sessions" title="Sessions" csv={sessions.csvUrl} csvLabel="Session hours (CSV)">
        <Body rollups={sessions} metrics={SESSION_METRICS} empty={NEXT_SESSIONS}>
          {(rows, report) => <SessionCharts rows={rows} report={report} />}
        </Body>
      </Section>
      <Section id="usage-desktops" title="Desktops" csv={desktops.csvUrl} csvLabel="Desktop hours (CSV)">
        <Body
          rollups={desktops}
          metrics={DESKTOP_METRICS}
          empty={
            <>
              No desktop existed in this period. Desktops are counted from their creation: give a pool provisioning settings on its page (
              <Link to="/console/pools">Pools</Link>), or register desktops there.
            </>
          }
        >
          {(rows, report) => <DesktopCharts rows={rows} report={report} />}
        </Body>
      </Section>
      <Section id="usage-seats" title="Licence seats" csv={seats.csvUrl} csvLabel="Seat-hours (CSV)">
        <Body
          rollups={seats}
          metrics={['SEAT_SECONDS']}
          empty={
            <>
              No licence seat was held. Create a licence product under <Link to="/console/licences">Licences</Link> and let a pool consume it: each connect to that pool then
              holds a seat, counted here.
            </>
          }
        >
          {(rows, report) => <SeatCharts rows={rows} report={report} />}
        </Body>
      </Section>
      <Section id="usage-activity" title="Peaks, users and devices" csv={granularity === 'hour' ? null : activity.csvUrl} csvLabel="Peaks and distinct counts (CSV)">
        {granularity === 'hour' ? (
          <p className="dp-secondary" data-testid="activity-per-day">
            Peaks of concurrent sessions and distinct users and devices are counted per day and per month: choose Day or Month above.
          </p>
        ) : (
          <Body rollups={activity} metrics={['PEAK_SESSIONS', 'DISTINCT_USERS', 'DISTINCT_DEVICES']} empty={NEXT_SESSIONS}>
            {(rows, report) => <ActivityCharts rows={rows} report={report} />}
          </Body>
        )}
      </Section>
    </>
  );
}

