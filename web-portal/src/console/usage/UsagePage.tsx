import { useEffect, useState } from 'react';
import { Alert, Content, Flex, FlexItem, FormSelect, FormSelectOption, PageSection, TextInput, Title } from '@patternfly/react-core';
import { useSearchParams } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { CsvLink } from '../licences/CsvLink';
import { pickerValue, rangeProblem, rangeQuery, rollupUrl } from './usageLogic';
import { DESKTOP_METRICS, SESSION_METRICS, UsageSections, type Rollups } from './UsageSections';
import { GRANULARITIES, type Granularity, type UsageMetric, type UsageRollupReport } from './usageTypes';

const GRANULARITY_WORDS: Record<Granularity, string> = {
  hour: 'Hour (default: today)',
  day: 'Day (default: the last 30 days)',
  month: 'Month (default: the last 12 months)',
};

const ACTIVITY_METRICS: readonly UsageMetric[] = ['PEAK_SESSIONS', 'DISTINCT_USERS', 'DISTINCT_DEVICES'];

/**
 * The roll-ups of some metrics for a period (`period` null: none asked for); the last report read stays shown, marked
 * as loading, until the next one is in.
 */
function useRollups(period: { granularity: Granularity; from?: string; to?: string } | null, metrics: readonly UsageMetric[]): Rollups {
  const { client } = useConsole();
  const url = period ? rollupUrl({ ...period, metrics }) : null;
  const [read, setRead] = useState<{ url: string; report: UsageRollupReport | null; problem: HumanProblem | null } | null>(null);
  useEffect(() => {
    if (!url) {
      return;
    }
    let live = true;
    client
      .get<UsageRollupReport>(url)
      .then((r) => live && setRead({ url, report: r.value, problem: null }))
      .catch((e: unknown) => live && setRead({ url, report: null, problem: humanError(e, 'admin') }));
    return () => {
      live = false;
    };
  }, [client, url]);
  return {
    report: read?.report ?? null,
    problem: read && read.url === url ? read.problem : null,
    loading: !!url && read?.url !== url,
    csvUrl: period ? rollupUrl({ ...period, metrics, csv: true }) : null,
  };
}

/**
 * Usage (tenant admins, and platform admins in the organisation they act in): the roll-ups a bill is made from, per
 * hour, day or month of the organisation's time zone, as charts with the same figures in tables beside them and the
 * broker's CSV of each. Filters are in the page's address, so a view can be linked to.
 */
export function UsagePage() {
  const [params, setParams] = useSearchParams();
  const granularity = (GRANULARITIES as readonly string[]).includes(params.get('granularity') ?? '') ? (params.get('granularity') as Granularity) : 'day';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const refused = rangeProblem(granularity, from, to);
  const range = rangeQuery(granularity, from, to);
  const period = refused ? null : { granularity, ...range };
  const sessions = useRollups(period, SESSION_METRICS);
  const desktops = useRollups(period, DESKTOP_METRICS);
  const seats = useRollups(period, ['SEAT_SECONDS']);
  const activity = useRollups(granularity === 'hour' ? null : period, ACTIVITY_METRICS);
  const shown = sessions.report;

  const set = (changes: Record<string, string>) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        for (const [k, v] of Object.entries(changes)) {
          if (v) n.set(k, v);
          else n.delete(k);
        }
        return n;
      },
      { replace: true },
    );
  // the range shown: what was picked, else what the broker read by default
  const fromShown = from || pickerValue(granularity, shown?.from);
  const toShown = to || pickerValue(granularity, shown?.to);
  const inputType = granularity === 'month' ? 'month' : 'date';

  return (
    <PageSection>
      <Title headingLevel="h1">Usage</Title>
      <Content component="p" className="dp-secondary">
        What this organisation used, as billing counts it: session hours per pool and user, desktop hours by size, licence seat-hours, and the
        busiest moments. Each figure is the exact sum of the time in the period; the current period counts up to now.
      </Content>
      <Flex alignItems={{ default: 'alignItemsFlexEnd' }} spaceItems={{ default: 'spaceItemsMd' }} className="pf-v6-u-my-md" role="group" aria-label="Period">
        <FlexItem>
          <label htmlFor="usage-granularity" className="dp-filter-label">
            Per
          </label>
          <FormSelect id="usage-granularity" value={granularity} onChange={(_e, v) => set({ granularity: v === 'day' ? '' : v, from: '', to: '' })} className="dp-filter-select">
            {GRANULARITIES.map((g) => (
              <FormSelectOption key={g} value={g} label={GRANULARITY_WORDS[g]} />
            ))}
          </FormSelect>
        </FlexItem>
        <FlexItem>
          <label htmlFor="usage-from" className="dp-filter-label">
            From
          </label>
          <TextInput id="usage-from" type={inputType} value={fromShown} onChange={(_e, v) => set({ from: v, to: to || toShown })} aria-describedby="usage-zone" />
        </FlexItem>
        <FlexItem>
          <label htmlFor="usage-to" className="dp-filter-label">
            To (inclusive)
          </label>
          <TextInput id="usage-to" type={inputType} value={toShown} onChange={(_e, v) => set({ to: v, from: from || fromShown })} aria-describedby="usage-zone" />
        </FlexItem>
        <FlexItem>
          <span id="usage-zone" className="dp-secondary" data-testid="usage-zone">
            {shown?.timeZone ? `Days and hours of the organisation’s time zone, ${shown.timeZone}` : 'Days and hours of the organisation’s time zone'}
          </span>
        </FlexItem>
        {!refused && (
          <FlexItem>
            <CsvLink url={rollupUrl({ granularity, ...range, csv: true })} label="Every figure (CSV)" />
          </FlexItem>
        )}
      </Flex>
      {refused && (
        <Alert variant="warning" isInline title="This period cannot be shown" role="alert" data-testid="usage-range-problem">
          {refused}
        </Alert>
      )}
      {!refused && <UsageSections granularity={granularity} sessions={sessions} desktops={desktops} seats={seats} activity={activity} />}
    </PageSection>
  );
}
