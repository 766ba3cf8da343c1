import { useEffect, useState, type FormEvent } from 'react';
import { Button, Form, FormGroup, Label, Modal, ModalBody, ModalFooter, ModalHeader, Spinner, TextInput } from '@patternfly/react-core';

import { ConsoleList, useConsoleList, useNotice, usePendingAction, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { ConfirmModal, FieldError, ProblemAlert, SelectFilter, StaleAlert, TextFilter, When } from '../controls';
import { useVersionedEdit } from '../useVersionedEdit';
import { DrainModal } from './DrainModal';
import { hypervisorAllocation, hypervisorStateWords, overcommitLines, storageUseWords } from './hostLogic';
import type { HypervisorHost } from './hostTypes';

const FILTERS = ['q', 'maintenance', 'reachable'] as const;

interface Values {
  cpus: string;
  memory: string;
  storage: string;
  /** The host's own overcommit ratios; empty: the global one. */
  cpuRatio: string;
  memoryRatio: string;
  storageRatio: string;
}

/** The host's own ratios as form values (empty where it uses the global one). */
const ownRatios = (h: HypervisorHost) => ({
  cpuRatio: h.overcommit?.ownCpu ? String(h.overcommit.cpu) : '',
  memoryRatio: h.overcommit?.ownMemory ? String(h.overcommit.memory) : '',
  storageRatio: h.overcommit?.ownStorage ? String(h.overcommit.storage) : '',
});
const toRatio = (v: string) => (v.trim() ? Number(v) : null);

const toMiB = (gib: string) => (gib.trim() ? Math.round(Number(gib) * 1024) : undefined);
const toGiB = (mib: number | null) => (mib === null ? '' : String(Math.round(mib / 1024)));

/** Changes a host's capacity from the version read when the dialog opened (If-Match: 412 told, theirs offered). */
function CapacityModal({ hostId, onClose, onSaved }: { hostId: string; onClose(): void; onSaved(h: HypervisorHost): void }) {
  const edit = useVersionedEdit<HypervisorHost>(`/api/v1/admin/hypervisor-hosts/${encodeURIComponent(hostId)}`);
  const [values, setValues] = useState<Values | null>(null);
  const fill = (h: HypervisorHost) =>
    setValues({
      cpus: h.capacity.cpus === null ? '' : String(h.capacity.cpus),
      memory: toGiB(h.capacity.memoryMiB),
      storage: toGiB(h.capacity.storageMiB),
      ...ownRatios(h),
    });
  useEffect(() => {
    if (edit.current && !values) fill(edit.current.value);
  }, [edit.current, values]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!values || !edit.current) return;
    const before = edit.current.value.capacity;
    const change: Record<string, number> = {};
    const cpus = values.cpus.trim() ? Number(values.cpus) : undefined;
    if (cpus !== undefined && cpus !== before.cpus) change.cpuTotal = cpus;
    const mem = toMiB(values.memory);
    if (mem !== undefined && toGiB(before.memoryMiB) !== values.memory.trim()) change.memoryTotalMiB = mem;
    const disk = toMiB(values.storage);
    if (disk !== undefined && toGiB(before.storageMiB) !== values.storage.trim()) change.storageTotalMiB = disk;
    const ratios = ownRatios(edit.current.value);
    const body: Record<string, unknown> = { ...change };
    if (ratios.cpuRatio !== values.cpuRatio || ratios.memoryRatio !== values.memoryRatio || ratios.storageRatio !== values.storageRatio) {
      // all three at once; an empty one goes back to the global ratio
      body.overcommit = { cpu: toRatio(values.cpuRatio), memory: toRatio(values.memoryRatio), storage: toRatio(values.storageRatio) };
    }
    const saved = await edit.save(body);
    if (saved) onSaved(saved);
  };

  const field = (name: keyof Values, label: string, apiName: string, placeholder?: string) => (
    <FormGroup label={label} fieldId={`capacity-${name}`}>
      <TextInput
        id={`capacity-${name}`}
        type="number"
        min={name.endsWith('Ratio') ? 0.1 : 1}
        step={name.endsWith('Ratio') ? 0.1 : 1}
        placeholder={placeholder}
        value={values?.[name] ?? ''}
        onChange={(_e, v) => values && setValues({ ...values, [name]: v })}
        validated={edit.fieldErrors[apiName] ? 'error' : 'default'}
        aria-describedby={edit.fieldErrors[apiName] ? `capacity-${name}-error` : undefined}
      />
      <FieldError id={`capacity-${name}-error`} message={edit.fieldErrors[apiName]} />
    </FormGroup>
  );

  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="capacity-title">
      <ModalHeader
        title={`Capacity of ${edit.current?.value.name ?? 'the host'}`}
        labelId="capacity-title"
        description="What placement counts on; an empty capacity keeps the driver’s own report, an empty ratio the global one. Placement keeps what desktops are allocated under capacity × ratio."
      />
      <ModalBody>
        <ProblemAlert problem={edit.loadProblem} />
        {edit.stale && edit.saveProblem ? <StaleAlert problem={edit.saveProblem} onReload={() => void edit.reload().then((h) => h && fill(h))} /> : <ProblemAlert problem={edit.saveProblem} />}
        {!values ? (
          !edit.loadProblem && <Spinner aria-label="Loading the host" />
        ) : (
          <Form id="capacity-form" onSubmit={(e) => void submit(e)}>
            {field('cpus', 'CPU threads', 'cpuTotal')}
            {field('memory', 'Memory (GiB)', 'memoryTotalMiB')}
            {field('storage', 'Storage (GiB)', 'storageTotalMiB')}
            {field('cpuRatio', 'CPU overcommit (vCPUs per thread)', 'overcommit.cpu', 'global ratio')}
            {field('memoryRatio', 'Memory overcommit', 'overcommit.memory', 'global ratio')}
            {field('storageRatio', 'Disk overcommit (thin disks per GiB of storage)', 'overcommit.storage', 'global ratio')}
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="capacity-form" isLoading={edit.saving} isDisabled={edit.saving || !values || edit.stale}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/**
 * The hypervisor hosts (the operator's, shared by every organisation): capacity against what the broker's desktops
 * take, and state. Platform admins put them in maintenance and change their capacity; tenant admins read them, with
 * their own organisation's desktops counted.
 */
export function HypervisorHostsTab({ platform }: { platform: boolean }) {
  const state = useConsoleList<HypervisorHost, FilterKey<typeof FILTERS>>('/api/v1/admin/hypervisor-hosts', FILTERS, 'name');
  const { client, filters: f, list } = state;
  const switching = usePendingAction<HypervisorHost>();
  const [editing, setEditing] = useState<string | null>(null);
  const [draining, setDraining] = useState<HypervisorHost | null>(null);
  const notice = useNotice();

  const maintenance = () =>
    switching.run(async (host) => {
      const on = !host.maintenance;
      await client.send(on ? 'POST' : 'DELETE', `/api/v1/admin/hypervisor-hosts/${encodeURIComponent(host.id)}/maintenance`);
      notice.show(
        on
          ? `${host.name} is in maintenance: no new desktops go there; its users' desktops move to other hosts (follow it with Drain).`
          : `${host.name} takes new desktops again.`,
      );
      list.reload();
      if (on) setDraining({ ...host, maintenance: true });
    });

  const columns: Column<HypervisorHost>[] = [
    {
      title: 'Host',
      sortKey: 'name',
      render: (h) => (
        <>
          {h.name}{' '}
          {h.simulated && (
            <Label color="purple" isCompact>
              simulated
            </Label>
          )}
          <div className="dp-secondary">driver {h.driverId}</div>
        </>
      ),
    },
    {
      title: 'State',
      render: (h) => {
        const s = hypervisorStateWords(h);
        return (
          <>
            <Label color={s.colour}>{s.label}</Label>
            {h.health.lastError && (
              <div className="dp-secondary">
                last error <When at={h.health.lastErrorAt} />: {h.health.lastError}
              </div>
            )}
          </>
        );
      },
    },
    {
      title: platform ? 'Allocated (physical × overcommit ratio)' : 'Allocated to your desktops (physical × ratio)',
      render: (h) => {
        const lines = overcommitLines(h);
        const disk = storageUseWords(h.storage);
        if (lines) {
          return (
            <div data-testid="host-overcommit">
              {lines.map((l) => (
                <div key={l.resource} className={l.resource === 'Disk' ? 'dp-secondary' : undefined}>
                  {l.resource} {l.words}
                </div>
              ))}
              {disk && (
                <div data-testid="host-storage-use">
                  Storage {disk.words}{' '}
                  {disk.nearlyFull && (
                    <Label color="red" isCompact>
                      nearly full
                    </Label>
                  )}
                </div>
              )}
              {lines.some((l) => l.share !== null && l.share > 1) && <Label color="orange">overcommitted</Label>}
            </div>
          );
        }
        const a = hypervisorAllocation(h.capacity, h.used);
        return (
          <>
            <div>CPU {a.cpu}</div>
            <div>Memory {a.memory}</div>
            <div className="dp-secondary">Disk {a.storage}</div>
            {a.overcommitted && <Label color="orange">overcommitted</Label>}
          </>
        );
      },
    },
    { title: 'Desktops', render: (h) => h.desktops },
    { title: 'Inventory', render: (h) => <When at={h.inventoryAt} /> },
  ];

  return (
    <>
      {!platform && (
        <p className="dp-secondary pf-v6-u-my-sm">
          The platform operator runs these hosts for every organisation; the figures count your organisation’s desktops. Maintenance and capacity are theirs to change.
        </p>
      )}
      <ConsoleList
        state={state}
        notice={notice}
        label="Hypervisor hosts"
        columns={columns}
        rowKey={(h) => h.id}
        actions={
          platform
            ? (h) => (
                <>
                  <Button variant="secondary" size="sm" isDanger={!h.maintenance} onClick={() => switching.ask(h)} aria-label={`${h.maintenance ? 'End maintenance of' : 'Maintenance for'} ${h.name}`}>
                    {h.maintenance ? 'End maintenance' : 'Maintenance'}
                  </Button>{' '}
                  <Button variant="link" size="sm" onClick={() => setEditing(h.id)} aria-label={`Change the capacity of ${h.name}`}>
                    Capacity
                  </Button>
                  {h.maintenance && (
                    <Button variant="link" size="sm" onClick={() => setDraining(h)} aria-label={`The drain of ${h.name}`}>
                      Drain
                    </Button>
                  )}
                </>
              )
            : undefined
        }
        toolbar={
          <>
            <TextFilter label="Search hypervisor hosts by name" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Name" />
            <SelectFilter
              id="hv-maintenance"
              label="Maintenance"
              value={f.filters.maintenance}
              onChange={(v) => f.setFilter('maintenance', v)}
              options={[
                { value: 'true', label: 'In maintenance' },
                { value: 'false', label: 'In service' },
              ]}
            />
            <SelectFilter
              id="hv-reachable"
              label="Reachable"
              value={f.filters.reachable}
              onChange={(v) => f.setFilter('reachable', v)}
              options={[
                { value: 'true', label: 'Reachable' },
                { value: 'false', label: 'Unreachable' },
              ]}
            />
          </>
        }
        empty={{
          title: 'No hypervisor hosts',
          body: platform
            ? 'Register a host with POST /api/v1/admin/hypervisor-hosts (a libvirt URI); without one the broker uses its labelled simulated host.'
            : 'The platform operator has not registered hypervisor hosts; desktops are provisioned nowhere until they do.',
        }}
      />
      {switching.pending && (
        <ConfirmModal
          title={switching.pending.maintenance ? `End maintenance of ${switching.pending.name}?` : `Put ${switching.pending.name} in maintenance?`}
          confirmLabel={switching.pending.maintenance ? 'End maintenance' : 'Start maintenance'}
          danger={!switching.pending.maintenance}
          busy={switching.busy}
          problem={switching.problem}
          onConfirm={() => void maintenance()}
          onCancel={switching.cancel}
        >
          {switching.pending.maintenance
            ? 'New desktops can be placed there again.'
            : `No new desktops are placed there. Its users' desktops (of ${switching.pending.desktops} there now in all) move to other hosts with room: running ones live — their users keep working and their browser tabs follow — stopped ones cold. Free desktops are removed and made again elsewhere. A desktop that cannot move stays, and the drain says why.`}
        </ConfirmModal>
      )}
      {draining && <DrainModal client={client} hostId={draining.id} hostName={draining.name} onClose={() => { setDraining(null); list.reload(); }} />}
      {editing && (
        <CapacityModal
          hostId={editing}
          onClose={() => setEditing(null)}
          onSaved={(h) => {
            setEditing(null);
            notice.show(`The capacity of ${h.name} was saved.`);
            list.reload();
          }}
        />
      )}
    </>
  );
}
