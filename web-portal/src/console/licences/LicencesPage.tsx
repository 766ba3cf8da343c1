import { useEffect, useState } from 'react';
import {
  Button,
  Content,
  EmptyState,
  EmptyStateBody,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Label,
  PageSection,
  Progress,
  ProgressMeasureLocation,
  Spinner,
  Tab,
  TabTitleText,
  Tabs,
  Title,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ConsoleList, useConsoleList, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { ProblemAlert, SelectFilter, TextFilter, When } from '../controls';
import { CsvLink } from './CsvLink';
import { ENFORCEMENT_WORDS, MODEL_SHORT, dateWords, reportUrl, seatsPercent, seatsWords } from './licenceLogic';
import { ProductModal } from './ProductForms';
import { LICENCE_MODELS, type LicenceExpiryReport, type LicenceProduct, type LicenceUsageReport } from './licenceTypes';

const FILTERS = ['q', 'model'] as const;

/** Seats in use against the seats, as a bar that says it in words too. */
export function SeatsBar({ product, id }: { product: LicenceProduct; id: string }) {
  const pct = seatsPercent(product);
  const words = seatsWords(product);
  return (
    <Progress
      id={id}
      value={Math.min(100, pct)}
      title={words}
      measureLocation={ProgressMeasureLocation.none}
      variant={pct > 100 || !product.licenceInForce ? 'danger' : pct >= 90 ? 'warning' : undefined}
      size="sm"
      aria-label={words}
    />
  );
}

function ProductsTab() {
  const state = useConsoleList<LicenceProduct, FilterKey<typeof FILTERS>>('/api/v1/admin/licence-products', FILTERS, 'name');
  const f = state.filters;
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);

  const columns: Column<LicenceProduct>[] = [
    {
      title: 'Product',
      sortKey: 'name',
      render: (p) => (
        <>
          <Link to={`/console/licences/${p.id}`}>{p.name}</Link>
          {(p.vendor || p.sku) && <div className="dp-secondary">{[p.vendor, p.sku].filter(Boolean).join(' · ')}</div>}
        </>
      ),
    },
    { title: 'Seat held by', render: (p) => MODEL_SHORT[p.model] },
    { title: 'Seats in use', render: (p) => <SeatsBar product={p} id={`seats-${p.id}`} /> },
    {
      title: 'Licence in force',
      render: (p) =>
        !p.licenceInForce ? (
          <Label color="red">None</Label>
        ) : (
          <>
            {p.licenceInForce.inGrace ? <Label color="orange">In grace until {dateWords(p.licenceInForce.graceEndsAt)}</Label> : `until ${dateWords(p.licenceInForce.validUntil, 'no end (perpetual)')}`}
            {p.enforcement && <div className="dp-secondary">{ENFORCEMENT_WORDS[p.enforcement].split(':')[0]}</div>}
          </>
        ),
    },
    { title: 'Pools', render: (p) => (p.pools === 0 ? 'none' : p.pools) },
    { title: 'Created', sortKey: 'createdAt', render: (p) => <When at={p.createdAt} /> },
  ];

  return (
    <>
      <ConsoleList
        state={state}
        label="Licence products"
        columns={columns}
        rowKey={(p) => p.id}
        toolbar={
          <>
            <TextFilter label="Search products by name, vendor or SKU" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Name, vendor or SKU" />
            <SelectFilter
              id="products-model"
              label="Seat held by"
              value={f.filters.model}
              onChange={(v) => f.setFilter('model', v)}
              options={LICENCE_MODELS.map((m) => ({ value: m, label: MODEL_SHORT[m] }))}
            />
            <ToolbarItem>
              <Button onClick={() => setCreating(true)}>New product</Button>
            </ToolbarItem>
          </>
        }
        empty={{
          title: 'No licence products yet',
          body: 'A product is what you license (an office suite, the desktops themselves). Create one, add the licence you bought, then let the pools that use it consume it: their connects then take a seat.',
          action: <Button onClick={() => setCreating(true)}>New product</Button>,
        }}
      />
      {creating && <ProductModal productId={null} onClose={() => setCreating(false)} onSaved={(p) => navigate(`/console/licences/${p.id}`)} />}
    </>
  );
}

/** A report read once per URL (and again on reload). */
export function useReport<T>(url: string): { report: T | null; problem: HumanProblem | null; reload(): void } {
  const { client } = useConsole();
  const [report, setReport] = useState<T | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setProblem(null);
    client
      .get<T>(url)
      .then((r) => live && setReport(r.value))
      .catch((e: unknown) => live && setProblem(humanError(e, 'admin')));
    return () => {
      live = false;
    };
  }, [client, url, generation]);
  return { report, problem, reload: () => setGeneration((g) => g + 1) };
}

function UsageReport() {
  const { report, problem } = useReport<LicenceUsageReport>(reportUrl('usage'));
  if (problem) return <ProblemAlert problem={problem} />;
  if (!report) return <Spinner aria-label="Loading the usage report" />;
  return (
    <>
      <Flex className="pf-v6-u-mb-sm" spaceItems={{ default: 'spaceItemsLg' }}>
        <FlexItem className="dp-secondary">
          Counted {dateWords(report.at)} ({report.timeZone})
        </FlexItem>
        <FlexItem>
          <CsvLink url={reportUrl('usage', {}, true)} label="Usage now (CSV)" />
        </FlexItem>
        <FlexItem>
          <CsvLink url={reportUrl('holders', {}, true)} label="Every seat holder (CSV)" />
        </FlexItem>
      </Flex>
      {report.products.length === 0 ? (
        <EmptyState titleText="Nothing licensed yet" headingLevel="h3">
          <EmptyStateBody>Create a licence product under Products; its seats in use are counted here.</EmptyStateBody>
        </EmptyState>
      ) : (
        <Table aria-label="Seats in use now" variant="compact" gridBreakPoint="grid-md">
          <Thead>
            <Tr>
              <Th>Product</Th>
              <Th>Seats in use</Th>
              <Th>Seats</Th>
              <Th>Overuse</Th>
              <Th>Licence until</Th>
            </Tr>
          </Thead>
          <Tbody>
            {report.products.map((p) => (
              <Tr key={p.productId}>
                <Td dataLabel="Product">
                  <Link to={`/console/licences/${p.productId}`}>{p.name}</Link>
                </Td>
                <Td dataLabel="Seats in use">{p.seatsInUse}</Td>
                <Td dataLabel="Seats">
                  {p.licenceId ? p.seats : 'no licence in force'}
                  {p.enforcement === 'SOFT' && p.overuseMargin > 0 && ` (+${p.overuseMargin} margin)`}
                </Td>
                <Td dataLabel="Overuse">{p.overuse > 0 ? <Label color="red">{p.overuse} beyond the licence</Label> : 'none'}</Td>
                <Td dataLabel="Licence until">
                  {p.licenceId ? dateWords(p.validUntil, 'no end') : '—'}
                  {p.inGrace && ' (in grace)'}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}

const WITHIN = [30, 90, 180, 365];

function ExpiryReport() {
  const [within, setWithin] = useState(90);
  const { report, problem } = useReport<LicenceExpiryReport>(reportUrl('expiring', { withinDays: within }));
  return (
    <>
      <Flex alignItems={{ default: 'alignItemsCenter' }} className="pf-v6-u-mb-sm" spaceItems={{ default: 'spaceItemsLg' }}>
        <FlexItem>
          <label htmlFor="expiring-within" className="dp-filter-label">
            Ending within
          </label>
          <FormSelect id="expiring-within" value={String(within)} onChange={(_e, v) => setWithin(Number(v))} className="dp-filter-select">
            {WITHIN.map((d) => (
              <FormSelectOption key={d} value={String(d)} label={`${d} days`} />
            ))}
          </FormSelect>
        </FlexItem>
        <FlexItem>
          <CsvLink url={reportUrl('expiring', { withinDays: within }, true)} label="Expiring licences (CSV)" />
        </FlexItem>
      </Flex>
      <ProblemAlert problem={problem} />
      {!report && !problem && <Spinner aria-label="Loading the expiring licences" />}
      {report && report.licences.length === 0 && (
        <EmptyState titleText={`No licence ends within ${within} days`} headingLevel="h3">
          <EmptyStateBody>Nothing to renew for now; licences in their grace period would be listed here too.</EmptyStateBody>
        </EmptyState>
      )}
      {report && report.licences.length > 0 && (
        <Table aria-label="Expiring licences" variant="compact" gridBreakPoint="grid-md">
          <Thead>
            <Tr>
              <Th>Product</Th>
              <Th>Seats</Th>
              <Th>Ends</Th>
              <Th>Where it stands</Th>
              <Th>Renewed</Th>
            </Tr>
          </Thead>
          <Tbody>
            {report.licences.map((l) => (
              <Tr key={l.licenceId}>
                <Td dataLabel="Product">
                  <Link to={`/console/licences/${l.productId}`}>{l.productName}</Link>
                  {l.reference && <div className="dp-secondary">{l.reference}</div>}
                </Td>
                <Td dataLabel="Seats">{l.seats}</Td>
                <Td dataLabel="Ends">{dateWords(l.validUntil)}</Td>
                <Td dataLabel="Where it stands">
                  {l.state === 'IN_GRACE' ? (
                    <Label color="red">Ended; grace ends in {l.graceDaysLeft} days</Label>
                  ) : (
                    <Label color={l.daysLeft <= 30 ? 'orange' : 'blue'}>{l.daysLeft} days left</Label>
                  )}
                </Td>
                <Td dataLabel="Renewed">{l.renewedBy ? 'yes, a licence follows it' : <strong>not yet</strong>}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}

/** Licences (tenant admins): the products with their seats, and the compliance reports with their CSV forms. */
export function LicencesPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'reports' ? 'reports' : 'products';
  return (
    <PageSection>
      <Title headingLevel="h1">Licences</Title>
      <Content component="p" className="dp-secondary">
        What you bought (products and their licences), the seats in use against them, and the reports an auditor asks
        for. A connect to a pool that consumes a product takes one of its seats; with none left it is refused.
      </Content>
      <Tabs activeKey={tab} onSelect={(_e, key) => setParams(key === 'reports' ? { tab: 'reports' } : {}, { replace: true })} aria-label="Licences" mountOnEnter unmountOnExit>
        <Tab eventKey="products" title={<TabTitleText>Products</TabTitleText>}>
          {tab === 'products' && <ProductsTab />}
        </Tab>
        <Tab eventKey="reports" title={<TabTitleText>Reports</TabTitleText>}>
          {tab === 'reports' && (
            <>
              <Title headingLevel="h2" className="pf-v6-u-mt-md pf-v6-u-mb-sm">
                Seats in use now
              </Title>
              <UsageReport />
              <Title headingLevel="h2" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
                Expiring licences
              </Title>
              <ExpiryReport />
              <Content component="p" className="dp-secondary pf-v6-u-mt-lg">
                Peaks per day or month and periods of overuse are on each product’s page.
              </Content>
            </>
          )}
        </Tab>
      </Tabs>
    </PageSection>
  );
}
