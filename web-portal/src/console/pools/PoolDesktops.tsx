import { useEffect, useState, type FormEvent } from 'react';
import {
  Button,
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Dropdown,
  DropdownItem,
  DropdownList,
  Form,
  FormGroup,
  Label,
  MenuToggle,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
  Spinner,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';

import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { DESKTOP_STATES, type AdminDesktop, type AdminPool } from '../adminTypes';
import { ConsoleList, useConsoleList, useNotice, usePendingAction, type FilterKey } from '../ConsoleList';
import { DesktopSnapshotsSection } from './DesktopSnapshotsSection';
import { useConsole } from '../ConsoleContext';
import { ConfirmModal, ProblemAlert, SelectFilter, TextField, TextFilter, When } from '../controls';
import { fieldErrors } from '../editFlow';
import { assignedUserWords } from '../names';
import type { Column } from '../PagedTable';
import { desktopStateLabel } from '../words';
import {
  TASK_WORDS,
  desktopActions,
  emptyRegistration,
  registrationBody,
  registrationOutcome,
  registrationProblems,
  removalWords,
  taskOutcome,
  type DesktopAction,
  type DesktopProvisioning,
  type RegisteredDesktop,
  type RegistrationForm,
} from './desktopLogic';

const FILTERS = ['q', 'state'] as const;

/** `POST /desktops/bulk`'s answer: a result per desktop. */
interface BulkResult {
  results: { id: string; status: number; reason: string | null; detail: string | null }[];
}

const stateColor = (s: string) => (s === 'FAILED' ? 'red' : s === 'READY' ? 'green' : s === 'IN_USE' ? 'blue' : 'grey');

/**
 * A pool's desktops: state, owner, console, origin and last error; each one's details (host, image version, its
 * provisioning history); for admins, registering a machine by its console address and the actions its state allows.
 */
export function PoolDesktops({ pool, admin }: { pool: AdminPool; admin: boolean }) {
  const path = `/api/v1/admin/pools/${encodeURIComponent(pool.id)}/desktops`;
  const state = useConsoleList<AdminDesktop, FilterKey<typeof FILTERS>>(path, FILTERS, 'name', { local: true });
  const { client, filters: f, list } = state;
  const notice = useNotice();
  const [registering, setRegistering] = useState(false);
  const [details, setDetails] = useState<AdminDesktop | null>(null);
  const action = usePendingAction<{ desktop: AdminDesktop; action: DesktopAction }>();

  const perform = () =>
    action.run(async ({ desktop, action: a }) => {
      const at = `/api/v1/admin/desktops/${encodeURIComponent(desktop.id)}`;
      if (a.id === 'remove') {
        await client.send('DELETE', at);
        notice.show(`Removed “${desktop.name}”`);
      } else if (a.id === 'refresh') {
        const r = await client.send<BulkResult>('POST', '/api/v1/admin/desktops/bulk', { action: 'REFRESH', ids: [desktop.id] });
        const refused = r.value.results.find((x) => x.status >= 300);
        if (refused) {
          // the one desktop's refusal, as its own request would have answered it
          throw new ApiError(refused.status, { status: refused.status, reason: refused.reason ?? undefined, detail: refused.detail ?? undefined });
        }
        notice.show(`“${desktop.name}” is being reset to its image`);
      } else if (a.state) {
        await client.send('POST', `${at}/state`, { state: a.state });
        notice.show(a.state === 'MAINTENANCE' ? `“${desktop.name}” is in maintenance: no new session is given it` : `“${desktop.name}” is back in service`);
      }
      list.reload();
    });

  const columns: Column<AdminDesktop>[] = [
    {
      title: 'Name',
      sortKey: 'name',
      render: (d) => (
        <Button variant="link" isInline onClick={() => setDetails(d)} aria-label={`Details of desktop ${d.name}`}>
          {d.name}
        </Button>
      ),
    },
    {
      title: 'State',
      sortKey: 'stateChangedAt',
      render: (d) => (
        <>
          <Label color={stateColor(d.state)}>{desktopStateLabel(d.state)}</Label>{' '}
          <span className="dp-secondary">
            since <When at={d.stateChangedAt} />
          </span>
        </>
      ),
    },
    { title: 'User', render: (d) => assignedUserWords(d) },
    { title: 'Console', render: (d) => (d.consoleHost ? `${d.consoleHost}:${d.consolePort ?? ''}` : '—') },
    { title: 'Origin', render: (d) => (d.managed ? 'Provisioned' : 'Registered') },
    { title: 'Last error', render: (d) => d.failureReason ?? '—' },
    { title: 'Created', sortKey: 'createdAt', render: (d) => <When at={d.createdAt} /> },
  ];
  const registrable = pool.kind !== 'SHARED';

  return (
    <>
      <ConsoleList
        state={state}
        label="Desktops"
        columns={columns}
        rowKey={(d) => d.id}
        notice={notice}
        toolbar={
          <>
            <TextFilter label="Search desktops by name or console address" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Name or address" />
            <SelectFilter
              id="desktops-state"
              label="State"
              value={f.filters.state}
              onChange={(v) => f.setFilter('state', v)}
              options={DESKTOP_STATES.map((s) => ({ value: s, label: desktopStateLabel(s) }))}
            />
            {admin && registrable && (
              <Button variant="secondary" onClick={() => setRegistering(true)}>
                Register a desktop
              </Button>
            )}
          </>
        }
        actions={admin ? (d) => <DesktopActionsMenu desktop={d} kind={pool.kind} onAsk={(a) => action.ask({ desktop: d, action: a })} /> : undefined}
        empty={{
          title: 'No desktops in this pool',
          body:
            pool.kind === 'SHARED'
              ? 'A shared pool’s sessions run on session hosts: enrol one on the Hosts page.'
              : admin
                ? 'A provisioned pool fills itself once its sizing and image are set; otherwise register the machines you run by their console address (“Register a desktop”).'
                : 'A tenant admin registers desktops or sets up provisioning; until then nobody can be given one.',
        }}
      />
      {registering && (
        <RegisterDesktopModal
          pool={pool}
          onClose={() => setRegistering(false)}
          onRegistered={(r) => {
            setRegistering(false);
            const o = registrationOutcome(r);
            notice.show(o.title, { variant: o.variant, body: o.body, testId: 'desktop-registered' });
            list.reload();
          }}
        />
      )}
      {details && <DesktopDetailsModal desktop={details} snapshots={pool.kind === 'PERSISTENT' && details.managed} admin={admin} onClose={() => setDetails(null)} />}
      {action.pending && (
        <ConfirmModal
          title={action.pending.action.id === 'remove' ? `Remove “${action.pending.desktop.name}”?` : `${action.pending.action.label}: “${action.pending.desktop.name}”?`}
          confirmLabel={action.pending.action.id === 'remove' ? 'Remove desktop' : action.pending.action.label}
          danger={action.pending.action.id === 'remove' || action.pending.action.id === 'refresh'}
          busy={action.busy}
          problem={action.problem}
          onConfirm={() => void perform()}
          onCancel={action.cancel}
        >
          {actionWords(action.pending.desktop, action.pending.action)}
        </ConfirmModal>
      )}
    </>
  );
}

function actionWords(d: AdminDesktop, a: DesktopAction): string {
  switch (a.id) {
    case 'remove':
      return removalWords(d);
    case 'refresh':
      return 'What users wrote on it is thrown away: it goes back to the pool’s image and is ready again when the reset is done.';
    case 'maintenance':
      return 'Nobody is given it until you return it to service. A session on it now is not ended.';
    default:
      return 'Entitled users can be given it again.';
  }
}

function DesktopActionsMenu({ desktop, kind, onAsk }: { desktop: AdminDesktop; kind: AdminPool['kind']; onAsk(a: DesktopAction): void }) {
  const [open, setOpen] = useState(false);
  const actions = desktopActions(desktop, kind);
  if (!actions.length) {
    return null;
  }
  return (
    <Dropdown
      isOpen={open}
      onOpenChange={setOpen}
      popperProps={{ position: 'right' }}
      toggle={(ref) => (
        <MenuToggle ref={ref} variant="plain" onClick={() => setOpen(!open)} isExpanded={open} aria-label={`Actions for desktop ${desktop.name}`}>
          ⋮
        </MenuToggle>
      )}
    >
      <DropdownList>
        {actions.map((a) => (
          <DropdownItem
            key={a.id}
            isDanger={a.id === 'remove'}
            onClick={() => {
              setOpen(false);
              onAsk(a);
            }}
          >
            {a.label}
          </DropdownItem>
        ))}
      </DropdownList>
    </Dropdown>
  );
}

/** Registers a machine the tenant runs by its VNC console address; the broker checks the console first. */
export function RegisterDesktopModal({ pool, onClose, onRegistered }: { pool: AdminPool; onClose(): void; onRegistered(r: RegisteredDesktop): void }) {
  const { client } = useConsole();
  const [form, setForm] = useState<RegistrationForm>(emptyRegistration);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (p: Partial<RegistrationForm>) => setForm((f) => ({ ...f, ...p }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const mine = registrationProblems(form);
    setErrors(mine);
    if (Object.keys(mine).length) {
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const r = await client.send<RegisteredDesktop>('POST', `/api/v1/admin/pools/${encodeURIComponent(pool.id)}/desktops`, registrationBody(form));
      onRegistered(r.value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(fieldErrors(err instanceof ApiError ? err.problem : undefined));
    } finally {
      setBusy(false);
    }
  };

  const field = (id: keyof RegistrationForm, label: string, props: { type?: 'text' | 'password'; placeholder?: string; help?: string; required?: boolean }) => (
    <TextField
      id={`desktop-${id}`}
      label={label}
      value={form[id]}
      onChange={(v) => set({ [id]: v } as Partial<RegistrationForm>)}
      error={errors[id]}
      autoComplete={props.type === 'password' ? 'new-password' : 'off'}
      {...props}
    />
  );

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="register-desktop-title">
      <ModalHeader
        title={`Register a desktop in ${pool.name}`}
        labelId="register-desktop-title"
        description="A machine you run yourself, reached on its VNC console. The broker checks the console before handing it to anyone."
      />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Form id="register-desktop-form" onSubmit={(e) => void submit(e)}>
          {field('name', 'Name', { required: true, placeholder: 'finance-07' })}
          {field('consoleHost', 'Console address', { required: true, placeholder: '10.0.4.21', help: 'As the broker (or its gateway) reaches it; only your organisation’s allowed networks are accepted.' })}
          {field('consolePort', 'Console port', { required: true })}
          {field('consolePassword', 'Console password', {
            type: 'password',
            help: 'Kept encrypted by the broker and never shown again, not even to admins; users never see it.',
          })}
          <FormGroup role="radiogroup" isStack fieldId="desktop-state" label="When it is registered">
            <Radio id="desktop-state-READY" name="desktop-state" label="Hand it to users once its console answers" isChecked={form.state === 'READY'} onChange={() => set({ state: 'READY' })} />
            <Radio id="desktop-state-MAINTENANCE" name="desktop-state" label="Keep it in maintenance until I return it to service" isChecked={form.state === 'MAINTENANCE'} onChange={() => set({ state: 'MAINTENANCE' })} />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="register-desktop-form" isLoading={busy} isDisabled={busy}>
          Register desktop
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/**
 * A desktop's details: where it runs, from which image, when its console was checked, its provisioning history, and
 * (a provisioned persistent desktop) its snapshots.
 */
function DesktopDetailsModal({ desktop, snapshots, admin, onClose }: { desktop: AdminDesktop; snapshots: boolean; admin: boolean; onClose(): void }) {
  const { client } = useConsole();
  const [view, setView] = useState<DesktopProvisioning | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  useEffect(() => {
    let live = true;
    client
      .get<DesktopProvisioning>(`/api/v1/admin/desktops/${encodeURIComponent(desktop.id)}/provisioning`)
      .then((r) => live && setView(r.value))
      .catch((e: unknown) => live && setProblem(humanError(e, 'admin')));
    return () => {
      live = false;
    };
  }, [client, desktop.id]);

  return (
    <Modal variant="large" isOpen onClose={onClose} aria-labelledby="desktop-details-title">
      <ModalHeader title={`Desktop ${desktop.name}`} labelId="desktop-details-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        {!view && !problem && <Spinner size="md" aria-label="Loading the desktop’s details" />}
        {view && (
          <>
            <DescriptionList isCompact isHorizontal columnModifier={{ lg: '2Col' }} data-testid="desktop-details">
              <DescriptionListGroup>
                <DescriptionListTerm>State</DescriptionListTerm>
                <DescriptionListDescription>
                  <Label color={stateColor(view.state)}>{desktopStateLabel(view.state)}</Label>
                  {view.failureReason && <div className="dp-secondary">{view.failureReason}</div>}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>User</DescriptionListTerm>
                <DescriptionListDescription>{assignedUserWords(desktop)}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Hypervisor host</DescriptionListTerm>
                <DescriptionListDescription data-testid="desktop-host">
                  {view.hostName ? (
                    <>
                      {view.hostName} <span className="dp-secondary">({view.driverId})</span>
                      {view.simulated && (
                        <Label color="purple" className="pf-v6-u-ml-sm">
                          simulated driver
                        </Label>
                      )}
                    </>
                  ) : view.managed ? (
                    'not placed yet'
                  ) : (
                    'none: registered by its console address'
                  )}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Image version</DescriptionListTerm>
                <DescriptionListDescription data-testid="desktop-image">{view.imageLabel ?? (view.managed ? 'none yet' : '— (not provisioned)')}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Console</DescriptionListTerm>
                <DescriptionListDescription>
                  {desktop.consoleHost ? `${desktop.consoleHost}:${desktop.consolePort ?? ''}` : 'not known yet'}
                  {desktop.hasConsolePassword && <span className="dp-secondary"> · password set (never shown)</span>}
                  {view.consoleCheckedAt && (
                    <div className="dp-secondary">
                      answered <When at={view.consoleCheckedAt} />
                    </div>
                  )}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Last disconnected</DescriptionListTerm>
                <DescriptionListDescription>{view.lastDisconnectedAt ? <When at={view.lastDisconnectedAt} /> : '—'}</DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
            <Content component="h3" className="pf-v6-u-mt-md">
              Provisioning history
            </Content>
            {view.tasks.length === 0 ? (
              <Content component="p" data-testid="desktop-no-tasks">
                {view.managed ? 'No provisioning task has run on it yet.' : 'None: Deskport does not create or power this machine; it only connects to its console.'}
              </Content>
            ) : (
              <Table aria-label="Provisioning history" variant="compact" data-testid="desktop-tasks">
                <Thead>
                  <Tr>
                    <Th>Task</Th>
                    <Th>Why</Th>
                    <Th>Outcome</Th>
                    <Th>Asked</Th>
                    <Th>Finished</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {view.tasks.map((t) => (
                    <Tr key={t.id}>
                      <Td dataLabel="Task">{TASK_WORDS[t.type] ?? t.type}</Td>
                      <Td dataLabel="Why">{t.reason ?? '—'}</Td>
                      <Td dataLabel="Outcome">
                        {taskOutcome(t)}
                        {t.errorDetail && <div className="dp-secondary">{t.errorDetail}</div>}
                      </Td>
                      <Td dataLabel="Asked">
                        <When at={t.createdAt} />
                      </Td>
                      <Td dataLabel="Finished">{t.finishedAt ? <When at={t.finishedAt} /> : '—'}</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
            {snapshots && <DesktopSnapshotsSection desktopId={desktop.id} admin={admin} />}
          </>
        )}
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
