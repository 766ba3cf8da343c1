import { useCallback, useEffect, useState, type ReactNode } from 'react';
import {
  Alert,
  AlertActionCloseButton,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Label,
  List,
  ListItem,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import { Link, useParams } from 'react-router-dom';

import { useAuth } from '../../auth';
import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { Versioned } from '../adminApi';
import { useConsole } from '../ConsoleContext';
import { PagedTable } from '../PagedTable';
import { ConfirmModal, ProblemAlert, When } from '../controls';
import { type AdminGroup, type AdminPool, type Entitlement, type PoolProvisioning } from '../adminTypes';
import { entitledWords } from '../names';
import { canAdminister } from '../roles';
import { useServerList } from '../useServerList';
import { PoolLicenceProducts } from '../licences/PoolLicenceProducts';
import { PoolActions } from '../pools/PoolActions';
import { PoolApplications } from '../pools/PoolApplications';
import { PoolDesktops } from '../pools/PoolDesktops';
import { CLIPBOARD_WORDS } from '../pools/poolWizard';
import { PoolWizard } from '../pools/PoolWizard';
import { CapacityPanel } from '../pools/CapacityPanel';
import { useLocalFilters } from '../useUrlFilters';
import { KIND_WORDS, PLAN_NOTE_WORDS, desktopStateLabel, durationWords } from '../words';

/** Plan notes that explain a decision rather than count what was held back (their count is a target or a number powered off). */
const EXPLANATIONS = new Set(['SPARE_FORECAST', 'SPARES_POWERED_OFF']);

const NO_FILTERS = [] as const;

function ProvisioningStatus({ poolId, kind }: { poolId: string; kind: AdminPool['kind'] }) {
  const { client } = useConsole();
  const [view, setView] = useState<PoolProvisioning | null | undefined>(undefined);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  useEffect(() => {
    let live = true;
    setView(undefined);
    client
      .get<PoolProvisioning>(`/api/v1/admin/pools/${encodeURIComponent(poolId)}/provisioning`)
      .then((r) => live && setView(r.value))
      .catch((e: unknown) => {
        if (!live) {
          return;
        }
        if (e instanceof ApiError && (e.reason === 'INVALID_STATE' || e.status === 404)) {
          // not provisioned (registered desktops, or a SHARED pool): said below in the console's words, not the API's
          setView(null);
        } else {
          setProblem(humanError(e, 'admin'));
          setView(null);
        }
      });
    return () => {
      live = false;
    };
  }, [client, poolId]);

  if (view === undefined) {
    return <Spinner size="md" aria-label="Loading provisioning status" />;
  }
  if (problem) {
    return <ProblemAlert problem={problem} />;
  }
  if (view === null) {
    return (
      <Content component="p" data-testid="no-provisioning">
        {kind === 'SHARED'
          ? 'Deskport does not create desktops for this pool: it is served by session hosts (see Hosts).'
          : 'Deskport does not create desktops for this pool: its desktops are registered by their console address '
            + '(Register a desktop, below). To have them created from an image instead, edit the pool: Its desktops, '
            + '“Created by Deskport from an image”.'}
      </Content>
    );
  }
  const byState = Object.entries(view.desktopsByState ?? {}).filter(([, n]) => (n ?? 0) > 0);
  return (
    <>
      <DescriptionList isCompact isHorizontal columnModifier={{ lg: '2Col' }}>
        <DescriptionListGroup>
          <DescriptionListTerm>Provisioning</DescriptionListTerm>
          <DescriptionListDescription>
            {view.enabled ? 'On' : 'Off'}
            {view.simulated && (
              <Label color="purple" className="pf-v6-u-ml-sm">
                simulated driver
              </Label>
            )}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Sizing</DescriptionListTerm>
          <DescriptionListDescription>
            {view.minSize} to {view.maxSize} desktops, {view.spareTarget} spare
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Desktops</DescriptionListTerm>
          <DescriptionListDescription data-testid="desktops-by-state">
            {view.desktops}
            {byState.length > 0 && ': ' + byState.map(([s, n]) => `${n} ${desktopStateLabel(s).toLowerCase()}`).join(', ')}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Image</DescriptionListTerm>
          <DescriptionListDescription>
            {view.currentImage ? view.currentImage.label : 'none published'}
            {view.currentImage && ` (${view.desktopsOnTargetImage} of ${view.desktops} desktops on it)`}
            {view.rolledBack && ' — rolled back'}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Power policy</DescriptionListTerm>
          <DescriptionListDescription>
            {view.stopAfterDisconnectedSeconds && view.stopAfterDisconnectedSeconds > 0
              ? `switched off ${durationWords(view.stopAfterDisconnectedSeconds)} after disconnecting`
              : 'left running'}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Refused connects (recent)</DescriptionListTerm>
          <DescriptionListDescription>
            {view.recentRefusals}
            {view.lastExhaustedAt && (
              <>
                {' '}
                — last full <When at={view.lastExhaustedAt} />
              </>
            )}
          </DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
      <Title headingLevel="h3" size="md" className="pf-v6-u-mt-md">
        The reconciler’s notes
      </Title>
      {view.notes?.length ? (
        <List data-testid="plan-notes">
          {view.notes.map((n, i) => (
            <ListItem key={`${n.code}-${i}`}>
              {PLAN_NOTE_WORDS[n.code] ?? n.code} {n.count > 1 && !EXPLANATIONS.has(n.code) && `(${n.count} actions held back)`} {n.detail && <span className="dp-secondary">{n.detail}</span>}
            </ListItem>
          ))}
        </List>
      ) : (
        <Content component="p">Nothing holds the pool back in the reconciler’s last cycle.</Content>
      )}
    </>
  );
}

function Entitlements({ poolId, poolName }: { poolId: string; poolName: string }) {
  const { client } = useConsole();
  const { user } = useAuth();
  const admin = canAdminister(user);
  const f = useLocalFilters(NO_FILTERS, '');
  const list = useServerList<Entitlement>(client, `/api/v1/admin/pools/${encodeURIComponent(poolId)}/entitlements`, {});
  const [groupChoices, setGroupChoices] = useState<AdminGroup[]>([]);
  const [groupId, setGroupId] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [revoking, setRevoking] = useState<Entitlement | null>(null);

  useEffect(() => {
    if (!admin) {
      return;
    }
    client
      .page<AdminGroup>('/api/v1/admin/groups?sort=name&limit=1000')
      .then((p) => setGroupChoices(p.rows))
      .catch(() => setGroupChoices([]));
  }, [client, admin]);

  const who = (e: Entitlement) => entitledWords(e);

  const grant = useCallback(async () => {
    setBusy(true);
    setProblem(null);
    try {
      await client.send('POST', `/api/v1/admin/pools/${encodeURIComponent(poolId)}/entitlements`, { groupId });
      setGroupId('');
      list.reload();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  }, [client, poolId, groupId, list]);

  const revoke = async () => {
    if (!revoking) {
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await client.send('DELETE', `/api/v1/admin/pools/${encodeURIComponent(poolId)}/entitlements/${encodeURIComponent(revoking.id)}`);
      setRevoking(null);
      list.reload();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {!revoking && <ProblemAlert problem={problem} />}
      {admin && (
        <Flex alignItems={{ default: 'alignItemsFlexEnd' }} className="pf-v6-u-mb-sm">
          <FlexItem>
            <label htmlFor="grant-group" className="dp-filter-label">
              Entitle a group
            </label>
            <FormSelect id="grant-group" className="dp-entitle-group" value={groupId} onChange={(_e, v) => setGroupId(v)}>
              <FormSelectOption value="" label="Choose a group" isPlaceholder />
              {groupChoices.map((g) => (
                <FormSelectOption key={g.id} value={g.id} label={g.name} />
              ))}
            </FormSelect>
          </FlexItem>
          <FlexItem>
            <Button variant="secondary" onClick={() => void grant()} isDisabled={!groupId || busy}>
              Entitle group
            </Button>
          </FlexItem>
        </Flex>
      )}
      <PagedTable
        label="Entitlements"
        list={list}
        columns={[
          { title: 'Who', render: who },
          { title: 'Since', render: (e) => <When at={e.createdAt} /> },
        ]}
        rowKey={(e) => e.id}
        sort=""
        onSort={() => undefined}
        filtered={f.active}
        onClearFilters={f.clear}
        actions={
          admin
            ? (e) => (
                <Button variant="link" isDanger onClick={() => setRevoking(e)} aria-label={`Remove entitlement of ${who(e)}`}>
                  Remove
                </Button>
              )
            : undefined
        }
        empty={{
          title: 'Nobody may use this pool yet',
          body: admin
            ? 'Entitle a group (above) or a user; its members then see the pool in My desktops.'
            : 'A tenant admin entitles users or groups; until then nobody sees this pool.',
        }}
      />
      {revoking && (
        <ConfirmModal
          title="Remove this entitlement?"
          confirmLabel="Remove entitlement"
          busy={busy}
          problem={problem}
          onConfirm={() => void revoke()}
          onCancel={() => {
            setRevoking(null);
            setProblem(null);
          }}
        >
          {who(revoking)} will no longer see “{poolName}” in My desktops and cannot start new sessions in it. Sessions
          running now are not ended.
        </ConfirmModal>
      )}
    </>
  );
}

/** A pool's page: its settings, provisioning status and the reconciler's notes, its desktops, its entitlements. */
export function PoolPage() {
  const { poolId = '' } = useParams();
  const { client } = useConsole();
  const { user } = useAuth();
  const [pool, setPool] = useState<Versioned<AdminPool> | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState(false);
  const [savedNotice, setSavedNotice] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setProblem(null);
    client
      .get<AdminPool>(`/api/v1/admin/pools/${encodeURIComponent(poolId)}`)
      .then((r) => live && setPool(r))
      .catch((e: unknown) => live && setProblem(humanError(e, 'admin')));
    return () => {
      live = false;
    };
  }, [client, poolId, generation]);

  return (
    <PageSection>
      <Breadcrumb className="pf-v6-u-mb-md">
        <BreadcrumbItem>
          <Link to="/console/pools">Pools</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>{pool?.value.name ?? 'Pool'}</BreadcrumbItem>
      </Breadcrumb>
      {problem && <ProblemAlert problem={problem} />}
      {savedNotice && (
        <Alert variant="success" isInline title={savedNotice} data-testid="pool-saved" className="pf-v6-u-mb-md" actionClose={<AlertActionCloseButton onClose={() => setSavedNotice(null)} />} />
      )}
      {!pool && !problem && <Spinner aria-label="Loading the pool" />}
      {pool && (
        <PoolBody
          key={generation}
          pool={pool.value}
          admin={canAdminister(user)}
          status={<PoolActions pool={pool} onSaved={setPool} onReload={() => setGeneration((g) => g + 1)} onEdit={() => setEditing(true)} />}
        />
      )}
      {editing && pool && (
        <PoolWizard
          mode="edit"
          poolId={pool.value.id}
          onClose={() => {
            setEditing(false);
            setGeneration((g) => g + 1);
          }}
          onDone={(_id, saved) => {
            setEditing(false);
            setSavedNotice(saved.length ? `Saved: ${saved.join(', ')}.` : 'Nothing had changed.');
            setGeneration((g) => g + 1);
          }}
        />
      )}
    </PageSection>
  );
}

function PoolBody({ pool, admin, status }: { pool: AdminPool; admin: boolean; status: ReactNode }) {
  return (
        <>
          <Title headingLevel="h1">
            {pool.name}{' '}
            {pool.enabled ? <Label color="green">Enabled</Label> : <Label color="grey">Disabled</Label>}
          </Title>
          {pool.description && <Content component="p">{pool.description}</Content>}
          {admin && status}
          <DescriptionList isCompact isHorizontal columnModifier={{ lg: '3Col' }} className="pf-v6-u-my-md">
            <DescriptionListGroup>
              <DescriptionListTerm>Kind</DescriptionListTerm>
              <DescriptionListDescription>{KIND_WORDS[pool.kind] ?? pool.kind}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Idle</DescriptionListTerm>
              <DescriptionListDescription>
                {durationWords(pool.idleTimeoutSeconds)}
                {pool.idleTimeoutSeconds ? ` → ${pool.idleAction === 'LOGOFF' ? 'log off' : 'disconnect'}` : ''}
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Disconnected sessions end after</DescriptionListTerm>
              <DescriptionListDescription>{durationWords(pool.disconnectTimeoutSeconds)}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Longest session</DescriptionListTerm>
              <DescriptionListDescription>{durationWords(pool.maxSessionSeconds, 'no limit')}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Recording</DescriptionListTerm>
              <DescriptionListDescription>{pool.recordSessions ? 'Every session is recorded' : 'Off'}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Clipboard</DescriptionListTerm>
              <DescriptionListDescription data-testid="pool-clipboard">{CLIPBOARD_WORDS[pool.clipboardPolicy ?? 'BOTH']}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>File transfer</DescriptionListTerm>
              <DescriptionListDescription>Not offered</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Shadowing</DescriptionListTerm>
              <DescriptionListDescription>
                {pool.announceShadowing === false ? 'Users are not told when IT views their screen' : 'Users are told when IT views their screen'}
              </DescriptionListDescription>
            </DescriptionListGroup>
            {pool.kind === 'SHARED' && (
              <DescriptionListGroup>
                <DescriptionListTerm>Load balancing</DescriptionListTerm>
                <DescriptionListDescription>{pool.loadBalancing === 'DEPTH_FIRST' ? 'Fill one host first' : 'Spread over hosts'}</DescriptionListDescription>
              </DescriptionListGroup>
            )}
          </DescriptionList>
          <Flex className="pf-v6-u-mb-md">
            <FlexItem>
              <Link to={`/console/sessions?poolId=${encodeURIComponent(pool.id)}`}>Sessions of this pool</Link>
            </FlexItem>
            <FlexItem>
              <Link to={`/console/audit?objectType=DESKTOP_POOL&objectId=${encodeURIComponent(pool.id)}`}>Audit trail of this pool</Link>
            </FlexItem>
          </Flex>
          <section aria-labelledby="pool-provisioning">
            <Title headingLevel="h2" id="pool-provisioning" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Provisioning
            </Title>
            <ProvisioningStatus poolId={pool.id} kind={pool.kind} />
            <CapacityPanel poolId={pool.id} />
          </section>
          <section aria-labelledby="pool-desktops">
            <Title headingLevel="h2" id="pool-desktops" className="pf-v6-u-mt-lg">
              Desktops
            </Title>
            <PoolDesktops pool={pool} admin={admin} />
          </section>
          {pool.kind === 'SHARED' && (
            <section aria-labelledby="pool-applications">
              <Title headingLevel="h2" id="pool-applications" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
                Published applications
              </Title>
              <PoolApplications pool={pool} admin={admin} />
            </section>
          )}
          <section aria-labelledby="pool-licences">
            <Title headingLevel="h2" id="pool-licences" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Licences consumed
            </Title>
            <PoolLicenceProducts pool={pool} admin={admin} />
          </section>
          <section aria-labelledby="pool-entitlements">
            <Title headingLevel="h2" id="pool-entitlements" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
              Entitlements
            </Title>
            <Entitlements poolId={pool.id} poolName={pool.name} />
          </section>
        </>
  );
}
