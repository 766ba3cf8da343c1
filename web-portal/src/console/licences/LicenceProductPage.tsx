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
import { Link, useNavigate, useParams } from 'react-router-dom';

import { ApiError } from '../../api/http';
import type { Problem } from '../../api/types';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ConsoleList, useConsoleList, useNotice } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { ConfirmModal, ProblemAlert, When } from '../controls';
import { ConsumingPools } from './ConsumingPools';
import { SeatsBar } from './LicencesPage';
import { MODEL_WORDS, STATUS_WORDS, capacityConflict, dateWords } from './licenceLogic';
import { LicenceModal, ProductModal } from './ProductForms';
import { ProductReports } from './ProductReports';
import { SeatHolders } from './SeatHolders';
import type { Licence, LicenceProduct } from './licenceTypes';

const NO_FILTERS = [] as const;

function Licences({ product, onChanged }: { product: LicenceProduct; onChanged(): void }) {
  const base = `/api/v1/admin/licence-products/${encodeURIComponent(product.id)}/licences`;
  const state = useConsoleList<Licence, never>(base, NO_FILTERS, 'validFrom', { local: true });
  const { client, list } = state;
  const notice = useNotice();
  const [editing, setEditing] = useState<string | null | 'new'>(null);
  const [removing, setRemoving] = useState<Licence | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [refusal, setRefusal] = useState<Problem | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const remove = async (force: boolean) => {
    if (!removing) return;
    setBusy(true);
    try {
      await client.send('DELETE', `${base}/${encodeURIComponent(removing.id)}${force ? '?force=true' : ''}`);
      setRemoving(null);
      setRefusal(undefined);
      setProblem(null);
      list.reload();
      onChanged();
    } catch (e) {
      setRefusal(e instanceof ApiError ? e.problem : undefined);
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };
  const conflict = capacityConflict(refusal);

  const columns: Column<Licence>[] = [
    {
      title: 'Seats',
      render: (l) => (
        <>
          {l.seats}
          {l.enforcement === 'SOFT' && l.overuseMargin > 0 && <span className="dp-secondary"> +{l.overuseMargin} margin</span>}
        </>
      ),
    },
    { title: 'Valid from', sortKey: 'validFrom', render: (l) => <When at={l.validFrom} /> },
    { title: 'Valid until', render: (l) => (l.validUntil ? <When at={l.validUntil} /> : 'no end (perpetual)') },
    { title: 'When full', render: (l) => (l.enforcement === 'HARD' ? 'Hard: refused' : `Soft: ${l.overuseMargin} more allowed`) },
    { title: 'Grace', render: (l) => (l.graceDays ? `${l.graceDays} days${l.graceEndsAt ? `, until ${dateWords(l.graceEndsAt)}` : ''}` : 'none') },
    {
      title: 'Status',
      render: (l) => (
        <>
          <Label color={l.status === 'VALID' ? 'green' : l.status === 'IN_GRACE' ? 'orange' : l.status === 'EXPIRED' ? 'grey' : 'blue'}>{STATUS_WORDS[l.status]}</Label>
          {l.inForce && <Label color="purple" className="pf-v6-u-ml-xs">In force</Label>}
        </>
      ),
    },
    { title: 'Reference', render: (l) => l.reference || '—' },
  ];

  return (
    <>
      <ConsoleList
        state={state}
        notice={notice}
        label="Licences"
        columns={columns}
        rowKey={(l) => l.id}
        toolbar={
          <FlexItem>
            <Button onClick={() => setEditing('new')}>Add licence</Button>
          </FlexItem>
        }
        actions={(l) => (
          <>
            <Button variant="secondary" size="sm" onClick={() => setEditing(l.id)} aria-label={`Edit the licence of ${l.seats} seats from ${dateWords(l.validFrom)}`}>
              Edit
            </Button>{' '}
            <Button variant="link" isDanger size="sm" onClick={() => setRemoving(l)} aria-label={`Remove the licence of ${l.seats} seats from ${dateWords(l.validFrom)}`}>
              Remove
            </Button>
          </>
        )}
        empty={{
          title: 'No licence yet',
          body: 'Until a licence is in force the product has no seats, and connects that need one are refused. Add the licence you bought: its seats, from when and until when.',
          action: <Button onClick={() => setEditing('new')}>Add licence</Button>,
        }}
      />
      {editing && (
        <LicenceModal
          productId={product.id}
          licenceId={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(l) => {
            notice.show(editing === 'new' ? `A licence of ${l.seats} seats was added.` : 'The licence was saved.');
            setEditing(null);
            list.reload();
            onChanged();
          }}
        />
      )}
      {removing && (
        <ConfirmModal
          title="Remove this licence?"
          confirmLabel={conflict ? 'Remove anyway' : 'Remove licence'}
          busy={busy}
          problem={conflict ? null : problem}
          onConfirm={() => void remove(!!conflict)}
          onCancel={() => {
            setRemoving(null);
            setRefusal(undefined);
            setProblem(null);
          }}
        >
          {conflict && (
            <Alert variant="warning" isInline role="alert" title="This takes away seats in use" data-testid="force-needed" className="pf-v6-u-mb-md">
              {conflict.words}
            </Alert>
          )}
          The licence of {removing.seats} seats ({dateWords(removing.validFrom)} to {dateWords(removing.validUntil)}) is removed.
          {removing.inForce ? ' It is the licence in force: the product’s seats follow the next licence valid now, or it has none.' : ''}
        </ConfirmModal>
      )}
    </>
  );
}

/** A licence product's page: its seats now, its licences, the pools that consume it, its seats and its reports. */
export function LicenceProductPage() {
  const { productId = '' } = useParams();
  const { client } = useConsole();
  const navigate = useNavigate();
  const [product, setProduct] = useState<LicenceProduct | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteProblem, setDeleteProblem] = useState<HumanProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/admin/licence-products/${encodeURIComponent(productId)}`;
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let live = true;
    client
      .get<LicenceProduct>(path)
      .then((r) => live && (setProduct(r.value), setProblem(null)))
      .catch((e: unknown) => live && setProblem(humanError(e, 'admin')));
    return () => {
      live = false;
    };
  }, [client, path, generation]);

  const remove = async () => {
    setBusy(true);
    try {
      await client.send('DELETE', path);
      navigate('/console/licences', { replace: true });
    } catch (e) {
      setDeleteProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageSection>
      <Breadcrumb className="pf-v6-u-mb-md">
        <BreadcrumbItem>
          <Link to="/console/licences">Licences</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>{product?.name ?? 'Licence product'}</BreadcrumbItem>
      </Breadcrumb>
      <ProblemAlert problem={problem} />
      {!product && !problem && <Spinner aria-label="Loading the licence product" />}
      {product && (
        <>
          <Flex justifyContent={{ default: 'justifyContentSpaceBetween' }} alignItems={{ default: 'alignItemsCenter' }}>
            <FlexItem>
              <Title headingLevel="h1">{product.name}</Title>
              {(product.vendor || product.sku) && <p className="dp-secondary">{[product.vendor, product.sku].filter(Boolean).join(' · ')}</p>}
            </FlexItem>
            <FlexItem>
              <Button variant="secondary" onClick={() => setEditing(true)}>
                Edit product
              </Button>{' '}
              <Button variant="link" isDanger onClick={() => setDeleting(true)}>
                Delete product
              </Button>
            </FlexItem>
          </Flex>
          <DescriptionList isCompact isHorizontal columnModifier={{ lg: '2Col' }} className="pf-v6-u-my-md">
            <DescriptionListGroup>
              <DescriptionListTerm>Seats now</DescriptionListTerm>
              <DescriptionListDescription data-testid="seats-now">
                <SeatsBar product={product} id="product-seats" />
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>A seat is held by</DescriptionListTerm>
              <DescriptionListDescription>{MODEL_WORDS[product.model]}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Licence in force</DescriptionListTerm>
              <DescriptionListDescription>
                {product.licenceInForce
                  ? `${product.seats} seats, ${product.enforcement === 'SOFT' ? `soft (+${product.overuseMargin})` : 'hard'}, until ${dateWords(product.licenceInForce.validUntil, 'no end')}${product.licenceInForce.inGrace ? `; in its grace period until ${dateWords(product.licenceInForce.graceEndsAt)}` : ''}`
                  : 'none: add a licence below'}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Seats given back</DescriptionListTerm>
              <DescriptionListDescription>
                {product.model === 'CONCURRENT_USER'
                  ? product.releaseOnDisconnect
                    ? 'when the user’s sessions end or are disconnected'
                    : 'when the user’s sessions end'
                  : product.model === 'PER_DESKTOP'
                    ? 'when the desktop is deleted'
                    : product.unusedDays
                      ? `after ${product.unusedDays} days unused, or by an admin`
                      : 'only by an admin'}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Pools consuming it</DescriptionListTerm>
              <DescriptionListDescription data-testid="consuming-pools">
                {product.pools === 0 ? 'none yet' : product.pools}
                <span className="dp-secondary"> — listed below</span>
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Audit trail</DescriptionListTerm>
              <DescriptionListDescription>
                <Link to={`/console/audit?objectType=LICENCE_PRODUCT&objectId=${encodeURIComponent(product.id)}`}>Changes to this product</Link>
              </DescriptionListDescription>
            </DescriptionListGroup>
          </DescriptionList>
          <section aria-labelledby="product-pools">
            <Title headingLevel="h2" id="product-pools" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Pools consuming it
            </Title>
            <ConsumingPools product={product} onChanged={reload} />
          </section>
          <section aria-labelledby="product-licences">
            <Title headingLevel="h2" id="product-licences" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Licences
            </Title>
            <Licences product={product} onChanged={reload} />
          </section>
          <section aria-labelledby="product-seats-title">
            <Title headingLevel="h2" id="product-seats-title" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Seats
            </Title>
            <SeatHolders product={product} onChanged={reload} />
          </section>
          <section aria-labelledby="product-reports">
            <Title headingLevel="h2" id="product-reports" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Use over time
            </Title>
            <ProductReports product={product} />
          </section>
          {editing && (
            <ProductModal
              productId={product.id}
              onClose={() => setEditing(false)}
              onSaved={(p) => {
                setProduct(p);
                setEditing(false);
              }}
            />
          )}
          {deleting && (
            <ConfirmModal
              title={`Delete ${product.name}?`}
              confirmLabel="Delete product"
              busy={busy}
              problem={deleteProblem}
              onConfirm={() => void remove()}
              onCancel={() => {
                setDeleting(false);
                setDeleteProblem(null);
              }}
            >
              The product goes with its licences and its whole seat history: the compliance reports know nothing of it
              afterwards. The broker refuses while a pool consumes it or a seat of it is held.
            </ConfirmModal>
          )}
        </>
      )}
    </PageSection>
  );
}
