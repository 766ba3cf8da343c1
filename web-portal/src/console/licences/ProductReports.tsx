import { Suspense, lazy, useState } from 'react';
import {
  EmptyState,
  EmptyStateBody,
  ExpandableSection,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Spinner,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';

import { ProblemAlert } from '../controls';
import { CsvLink } from './CsvLink';
import { useReport } from './LicencesPage';
import { dateWords, defaultRange, peakChartData, reportUrl, spanWords } from './licenceLogic';
import type { LicenceOveruseReport, LicencePeakReport, LicenceProduct, PeakPeriod } from './licenceTypes';

const PeakChart = lazy(() => import('./PeakChart'));

function DateField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(v: string): void }) {
  return (
    <FlexItem>
      <label htmlFor={id} className="dp-filter-label">
        {label}
      </label>
      <TextInput id={id} type="date" value={value} onChange={(_e, v) => v && onChange(v)} />
    </FlexItem>
  );
}

/** A product's peaks per day or month (a chart, and the same as a table) and its periods of overuse, with their CSVs. */
export function ProductReports({ product }: { product: LicenceProduct }) {
  const [period, setPeriod] = useState<PeakPeriod>('DAY');
  const [range, setRange] = useState(() => defaultRange('DAY'));
  const params = { productId: product.id, period, from: range.from, to: range.to };
  const peaks = useReport<LicencePeakReport>(reportUrl('peaks', params));
  const overuse = useReport<LicenceOveruseReport>(reportUrl('overuse', { productId: product.id, from: range.from, to: range.to }));
  const data = peaks.report ? peakChartData(peaks.report) : null;
  const unit = period === 'DAY' ? 'Day' : 'Month';

  return (
    <>
      <Flex alignItems={{ default: 'alignItemsFlexEnd' }} className="pf-v6-u-mb-md" spaceItems={{ default: 'spaceItemsMd' }}>
        <FlexItem>
          <label htmlFor="peaks-period" className="dp-filter-label">
            Peaks per
          </label>
          <FormSelect
            id="peaks-period"
            value={period}
            onChange={(_e, v) => {
              setPeriod(v as PeakPeriod);
              setRange(defaultRange(v as PeakPeriod));
            }}
            className="dp-filter-select"
          >
            <FormSelectOption value="DAY" label="Day (last 30 days)" />
            <FormSelectOption value="MONTH" label="Month (last 12 months)" />
          </FormSelect>
        </FlexItem>
        <DateField id="peaks-from" label="From" value={range.from} onChange={(from) => setRange({ ...range, from })} />
        <DateField id="peaks-to" label="To" value={range.to} onChange={(to) => setRange({ ...range, to })} />
        <FlexItem>
          <CsvLink url={reportUrl('peaks', params, true)} label="Peaks (CSV)" />
        </FlexItem>
      </Flex>
      <Title headingLevel="h3" size="md" className="pf-v6-u-mb-sm">
        Peak seats in use per {unit.toLowerCase()}
      </Title>
      <ProblemAlert problem={peaks.problem} />
      {!data && !peaks.problem && <Spinner aria-label="Loading the peaks" />}
      {data && data.bars.length === 0 && (
        <EmptyState titleText="No days in this range yet" headingLevel="h4">
          <EmptyStateBody>Choose a range that has begun.</EmptyStateBody>
        </EmptyState>
      )}
      {data && data.bars.length > 0 && (
        <>
          <p className="dp-secondary" data-testid="peaks-summary">
            {data.summary} ({peaks.report?.timeZone})
          </p>
          <Suspense fallback={<Spinner aria-label="Loading the chart" />}>
            <PeakChart data={data} title={`Peak seats in use per ${unit.toLowerCase()}: ${product.name}`} />
          </Suspense>
          <ExpandableSection toggleTextCollapsed="Show the peaks as a table" toggleTextExpanded="Hide the table">
            <Table aria-label={`Peaks per ${unit.toLowerCase()}`} variant="compact">
              <Thead>
                <Tr>
                  <Th>{unit}</Th>
                  <Th>Peak</Th>
                  <Th>First reached</Th>
                  <Th>Seats licensed</Th>
                  <Th>Holders</Th>
                </Tr>
              </Thead>
              <Tbody>
                {peaks.report!.peaks.map((p) => (
                  <Tr key={p.period}>
                    <Td dataLabel={unit}>{p.period}</Td>
                    <Td dataLabel="Peak">{p.peak > p.seats ? <strong>{p.peak}</strong> : p.peak}</Td>
                    <Td dataLabel="First reached">{p.peak > 0 ? dateWords(p.peakAt, '—') : '—'}</Td>
                    <Td dataLabel="Seats licensed">{p.seats}</Td>
                    <Td dataLabel="Holders">{p.holders}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </ExpandableSection>
        </>
      )}
      <Flex alignItems={{ default: 'alignItemsCenter' }} className="pf-v6-u-mt-lg pf-v6-u-mb-sm" spaceItems={{ default: 'spaceItemsLg' }}>
        <FlexItem>
          <Title headingLevel="h3" size="md">
            Periods of overuse
          </Title>
        </FlexItem>
        <FlexItem>
          <CsvLink url={reportUrl('overuse', { productId: product.id, from: range.from, to: range.to }, true)} label="Overuse (CSV)" />
        </FlexItem>
      </Flex>
      <ProblemAlert problem={overuse.problem} />
      {overuse.report && overuse.report.periods.length === 0 && (
        <p data-testid="no-overuse">
          No overuse from {range.from} to {range.to}: the seats in use never went beyond the licence.
        </p>
      )}
      {overuse.report && overuse.report.periods.length > 0 && (
        <Table aria-label="Periods of overuse" variant="compact" gridBreakPoint="grid-md">
          <Thead>
            <Tr>
              <Th>Started</Th>
              <Th>Ended</Th>
              <Th>Lasted</Th>
              <Th>Seats licensed</Th>
              <Th>Most beyond them</Th>
            </Tr>
          </Thead>
          <Tbody>
            {overuse.report.periods.map((o) => (
              <Tr key={o.startedAt}>
                <Td dataLabel="Started">{dateWords(o.startedAt)}</Td>
                <Td dataLabel="Ended">{o.endedAt ? dateWords(o.endedAt) : <strong>still going on</strong>}</Td>
                <Td dataLabel="Lasted">{spanWords(o.durationSeconds)}</Td>
                <Td dataLabel="Seats licensed">{o.seats}</Td>
                <Td dataLabel="Most beyond them">
                  {o.peakExcess} ({o.peakSeatsInUse} in use, {dateWords(o.peakAt, '—')})
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}
