import { useEffect, useState, type FormEvent } from 'react';
import {
  Alert,
  AlertActionCloseButton,
  Button,
  Content,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  Spinner,
  TextInput,
  Title,
  ToolbarItem,
  AlertActionLink,
} from '@patternfly/react-core';

import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { PagedTable, type Column } from '../PagedTable';
import { ProblemAlert, TextFilter, When } from '../controls';
import type { Tenant } from '../adminTypes';
import { changedMembers, fieldErrors as readFieldErrors } from '../editFlow';
import { useServerList } from '../useServerList';
import { useUrlFilters } from '../useUrlFilters';
import { useVersionedEdit } from '../useVersionedEdit';

const FILTERS = ['q'] as const;

interface TenantValues {
  slug: string;
  name: string;
  maxConcurrentSessions: string;
  maxDesktops: string;
}

function Field({ id, label, value, onChange, error, help, type = 'text', required = true }: { id: string; label: string; value: string; onChange(v: string): void; error?: string; help?: string; type?: 'text' | 'number'; required?: boolean }) {
  return (
    <FormGroup label={label} isRequired={required} fieldId={id}>
      <TextInput id={id} type={type} min={type === 'number' ? 0 : undefined} isRequired={required} value={value} onChange={(_e, v) => onChange(v)} validated={error ? 'error' : 'default'} aria-describedby={`${id}-help`} />
      {(error || help) && (
        <FormHelperText>
          <HelperText id={`${id}-help`}>
            <HelperTextItem variant={error ? 'error' : 'default'}>{error ?? help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  );
}

const asNumber = (s: string) => (s.trim() === '' ? undefined : Number(s));

function CreateTenantModal({ onClose, onCreated }: { onClose(): void; onCreated(t: Tenant): void }) {
  const { client } = useConsole();
  const [v, setV] = useState<TenantValues>({ slug: '', name: '', maxConcurrentSessions: '50', maxDesktops: '100' });
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const t = await client.send<Tenant>('POST', '/api/v1/admin/tenants', {
        slug: v.slug.trim(),
        name: v.name.trim(),
        maxConcurrentSessions: asNumber(v.maxConcurrentSessions),
        maxDesktops: asNumber(v.maxDesktops),
      });
      onCreated(t.value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="create-tenant-title">
      <ModalHeader title="New organisation" labelId="create-tenant-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Form id="create-tenant-form" onSubmit={(e) => void submit(e)}>
          <Field id="tenant-slug" label="Short name" value={v.slug} onChange={(slug) => setV({ ...v, slug })} error={errors.slug} help="What its users type as the organisation at sign-in: lowercase letters, digits and -." />
          <Field id="tenant-name" label="Name" value={v.name} onChange={(name) => setV({ ...v, name })} error={errors.name} />
          <Field id="tenant-sessions" type="number" label="Sessions at once (quota)" value={v.maxConcurrentSessions} onChange={(maxConcurrentSessions) => setV({ ...v, maxConcurrentSessions })} error={errors.maxConcurrentSessions} />
          <Field id="tenant-desktops" type="number" label="Desktops (quota)" value={v.maxDesktops} onChange={(maxDesktops) => setV({ ...v, maxDesktops })} error={errors.maxDesktops} />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="create-tenant-form" isLoading={busy} isDisabled={busy || !v.slug || !v.name}>
          Create organisation
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function QuotaModal({ tenantId, onClose, onSaved }: { tenantId: string; onClose(): void; onSaved(t: Tenant): void }) {
  const edit = useVersionedEdit<Tenant>(`/api/v1/admin/tenants/${encodeURIComponent(tenantId)}`);
  const [v, setV] = useState<TenantValues | null>(null);
  const toValues = (t: Tenant): TenantValues => ({ slug: t.slug, name: t.name, maxConcurrentSessions: String(t.maxConcurrentSessions), maxDesktops: String(t.maxDesktops) });
  useEffect(() => {
    if (edit.current && !v) {
      setV(toValues(edit.current.value));
    }
  }, [edit.current, v]);
  const t = edit.current?.value;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!v || !t) {
      return;
    }
    const saved = await edit.save(
      changedMembers(
        { name: t.name, maxConcurrentSessions: t.maxConcurrentSessions, maxDesktops: t.maxDesktops },
        { name: v.name.trim(), maxConcurrentSessions: asNumber(v.maxConcurrentSessions), maxDesktops: asNumber(v.maxDesktops) },
      ),
    );
    if (saved) {
      onSaved(saved);
    }
  };
  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="quota-title">
      <ModalHeader title={`Organisation ${t?.slug ?? ''}`} labelId="quota-title" />
      <ModalBody>
        <ProblemAlert problem={edit.loadProblem} />
        {edit.stale && edit.saveProblem ? (
          <Alert
            variant="warning"
            isInline
            role="alert"
            title={edit.saveProblem.title}
            data-testid="stale-version"
            className="pf-v6-u-mb-md"
            actionLinks={<AlertActionLink onClick={() => void edit.reload().then((n) => n && setV(toValues(n)))}>Reload their version</AlertActionLink>}
          >
            {edit.saveProblem.message} {edit.saveProblem.action}
          </Alert>
        ) : (
          <ProblemAlert problem={edit.saveProblem} />
        )}
        {!v && !edit.loadProblem && <Spinner aria-label="Loading the organisation" />}
        {v && t && (
          <Form id="quota-form" onSubmit={(e) => void submit(e)}>
            <Field id="quota-name" label="Name" value={v.name} onChange={(name) => setV({ ...v, name })} error={edit.fieldErrors.name} />
            <Field id="quota-sessions" type="number" label="Sessions at once" value={v.maxConcurrentSessions} onChange={(maxConcurrentSessions) => setV({ ...v, maxConcurrentSessions })} error={edit.fieldErrors.maxConcurrentSessions} help={`${t.activeSessions} running now. New connects beyond the quota are refused; running sessions are never ended.`} />
            <Field id="quota-desktops" type="number" label="Desktops" value={v.maxDesktops} onChange={(maxDesktops) => setV({ ...v, maxDesktops })} error={edit.fieldErrors.maxDesktops} help={`${t.desktopCount} now. Pools stop growing at the quota; no desktop is removed.`} />
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="quota-form" isLoading={edit.saving} isDisabled={edit.saving || !v || edit.stale}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** Platform admins: the organisations (tenants), their quotas and use, onboarding, and switching into one. */
export function TenantsPage() {
  const { client, actingTenant, switchTenant } = useConsole();
  const f = useUrlFilters(FILTERS, 'slug');
  const list = useServerList<Tenant>(client, '/api/v1/admin/tenants', { filters: f.filters, sort: f.sort });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const columns: Column<Tenant>[] = [
    { title: 'Short name', sortKey: 'slug', render: (t) => <code>{t.slug}</code> },
    { title: 'Name', sortKey: 'name', render: (t) => t.name },
    { title: 'Sessions (now / quota)', render: (t) => `${t.activeSessions} / ${t.maxConcurrentSessions}` },
    { title: 'Desktops (now / quota)', render: (t) => `${t.desktopCount} / ${t.maxDesktops}` },
    { title: 'Created', sortKey: 'createdAt', render: (t) => <When at={t.createdAt} /> },
  ];

  return (
    <PageSection>
      <Title headingLevel="h1">Tenants</Title>
      <Content component="p" className="dp-secondary">
        The customer organisations (tenants) of this installation. “Act in” switches the whole console into one: the
        masthead shows which, and the broker records each change you make there under your name.
      </Content>
      {notice && <Alert variant="success" isInline title={notice} aria-live="polite" className="pf-v6-u-mb-md" actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />} />}
      <PagedTable
        label="Organisations"
        list={list}
        columns={columns}
        rowKey={(t) => t.id}
        sort={f.sort}
        onSort={f.setSort}
        filtered={f.active}
        onClearFilters={f.clear}
        actions={(t) => (
          <>
            <Button variant="secondary" size="sm" onClick={() => setEditing(t.id)} aria-label={`Quotas of ${t.name}`}>
              Quotas
            </Button>{' '}
            <Button
              variant={actingTenant?.id === t.id ? 'primary' : 'link'}
              size="sm"
              isDisabled={actingTenant?.id === t.id}
              onClick={() => {
                switchTenant({ id: t.id, slug: t.slug, name: t.name });
                setNotice(`The console now acts in ${t.name}.`);
              }}
              aria-label={`Act in ${t.name}`}
            >
              {actingTenant?.id === t.id ? 'Acting in it' : 'Act in'}
            </Button>
          </>
        )}
        toolbar={
          <>
            <TextFilter label="Search organisations by short name or name" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Short name or name" />
            <ToolbarItem>
              <Button onClick={() => setCreating(true)}>New organisation</Button>
            </ToolbarItem>
          </>
        }
        empty={{
          title: 'No organisations',
          body: 'Onboard the first customer organisation: give it a short name and its quotas, then act in it to create its admins.',
          action: <Button onClick={() => setCreating(true)}>New organisation</Button>,
        }}
      />
      {creating && (
        <CreateTenantModal
          onClose={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            setNotice(`Organisation ${t.name} was created. Act in it to add its first admin.`);
            list.reload();
          }}
        />
      )}
      {editing && (
        <QuotaModal
          tenantId={editing}
          onClose={() => setEditing(null)}
          onSaved={(t) => {
            setEditing(null);
            setNotice(`Organisation ${t.name} was saved.`);
            list.reload();
          }}
        />
      )}
    </PageSection>
  );
}
