import type { ReactNode } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Radio,
  TextArea,
  TextInput,
  Title,
  useWizardContext,
} from '@patternfly/react-core';

import type { PoolKind } from '../../api/types';
import type { AdminGroup, AdminUser, ImageVersion } from '../adminTypes';
import { useConsole } from '../ConsoleContext';
import { When } from '../controls';
import { MODEL_SHORT } from '../licences/licenceLogic';
import type { LicenceProduct } from '../licences/licenceTypes';
import { useNames } from '../names';
import {
  CLIPBOARD_WORDS,
  FILE_TRANSFER_WORDS,
  LOAD_BALANCING_WORDS,
  STEP_NAMES,
  type ClipboardPolicy,
  type FieldErrors,
  type LoadBalancing,
  type WizardForm,
  type WizardMode,
} from './poolWizard';
import { reviewSections } from './poolReview';
import { SearchPick } from './SearchPick';

/** What every step gets: the form, how to change it, the errors to show and whether it creates or edits. */
export interface StepProps {
  form: WizardForm;
  set(patch: Partial<WizardForm>): void;
  errors: FieldErrors;
  mode: WizardMode;
}

/** The words under a field: its error, else its help. */
function Help({ id, error, children }: { id: string; error?: string; children?: ReactNode }) {
  if (!error && !children) {
    return null;
  }
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem variant={error ? 'error' : 'default'}>{error ?? children}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/** A whole number typed in a text field (numbers as typed, validated by the step). */
function NumberField({ id, label, value, onChange, error, help, isRequired }: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  help?: ReactNode;
  isRequired?: boolean;
}) {
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <TextInput
        id={id}
        inputMode="numeric"
        value={value}
        onChange={(_e, v) => onChange(v)}
        validated={error ? 'error' : 'default'}
        aria-describedby={`${id}-help`}
        aria-invalid={!!error}
      />
      <Help id={`${id}-help`} error={error}>
        {help}
      </Help>
    </FormGroup>
  );
}

const KINDS: Array<{ value: PoolKind; label: string; description: string }> = [
  { value: 'POOLED', label: 'Pooled', description: 'Any free desktop for each session; it is refreshed after log off.' },
  { value: 'PERSISTENT', label: 'Persistent', description: 'One desktop per user, kept with its files between sessions.' },
  { value: 'SHARED', label: 'Shared', description: 'Sessions of many users on shared session hosts.' },
];

export function KindStep({ form, set, errors, mode, provisionedBefore }: StepProps & { provisionedBefore: boolean }) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <FormGroup label="Name" isRequired fieldId="pool-name">
        <TextInput id="pool-name" isRequired value={form.name} onChange={(_e, v) => set({ name: v })} validated={errors.name ? 'error' : 'default'} aria-describedby="pool-name-help" aria-invalid={!!errors.name} />
        <Help id="pool-name-help" error={errors.name}>
          What users see in My desktops.
        </Help>
      </FormGroup>
      <FormGroup label="Description" fieldId="pool-description">
        <TextArea id="pool-description" value={form.description} onChange={(_e, v) => set({ description: v })} resizeOrientation="vertical" validated={errors.description ? 'error' : 'default'} aria-describedby="pool-description-help" />
        <Help id="pool-description-help" error={errors.description} />
      </FormGroup>
      <FormGroup role="radiogroup" isStack fieldId="pool-kind" label="Kind" isRequired>
        {KINDS.map((k) => (
          <Radio
            key={k.value}
            id={`pool-kind-${k.value}`}
            name="pool-kind"
            label={k.label}
            description={k.description}
            isChecked={form.kind === k.value}
            isDisabled={mode === 'edit'}
            onChange={() => set({ kind: k.value })}
          />
        ))}
        {mode === 'edit' && <Help id="pool-kind-help">A pool’s kind cannot change: create another pool for another kind.</Help>}
      </FormGroup>
      {form.kind !== 'SHARED' && (
        <FormGroup role="radiogroup" isStack fieldId="pool-managed" label="Its desktops">
          <Radio
            id="pool-managed-yes"
            name="pool-managed"
            label="Created by Deskport from an image"
            description="Provisioning clones desktops from a golden image, keeps spares ready and replaces broken ones."
            isChecked={form.managed}
            onChange={() => set({ managed: true })}
          />
          <Radio
            id="pool-managed-no"
            name="pool-managed"
            label="Registered by their console address"
            description="Machines you run yourself; you register each one on the pool’s page."
            isChecked={!form.managed}
            isDisabled={provisionedBefore}
            onChange={() => set({ managed: false })}
          />
          {provisionedBefore && <Help id="pool-managed-help">Deskport creates this pool’s desktops; set its sizes to 0 to let it shrink.</Help>}
        </FormGroup>
      )}
      {mode === 'create' && (
        <Checkbox
          id="pool-enabled"
          label="Enabled at once (entitled users can connect as soon as it has desktops)"
          isChecked={form.enabled}
          onChange={(_e, v) => set({ enabled: v })}
        />
      )}
    </Form>
  );
}

/** The name of the pool an image version was published in. */
function PoolNameOf({ id }: { id: string }) {
  const { client } = useConsole();
  const names = useNames(client, 'pools', [id]);
  return names[id] ? <> in {names[id]}</> : null;
}

export function ImageStep({ form, set, errors, mode, poolId }: StepProps & { poolId?: string }) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <FormGroup role="radiogroup" isStack fieldId="image-mode" label="The image its desktops start from" isRequired>
        {mode === 'edit' && (
          <Radio id="image-keep" name="image-mode" label={`Keep the current version${form.imageVersionLabel ? ` (${form.imageVersionLabel})` : ''}`} isChecked={form.imageMode === 'keep'} onChange={() => set({ imageMode: 'keep' })} />
        )}
        <Radio
          id="image-existing"
          name="image-mode"
          label={mode === 'create' ? 'A version published in your organisation' : 'Another version of this pool'}
          description={mode === 'create' ? 'Its golden disk is published again for this pool.' : 'Free desktops are replaced; persistent ones wait for your word.'}
          isChecked={form.imageMode === 'existing'}
          onChange={() => set({ imageMode: 'existing' })}
        />
        <Radio id="image-publish" name="image-mode" label="Publish a new version" description="From a golden disk file in your organisation’s image directory." isChecked={form.imageMode === 'publish'} onChange={() => set({ imageMode: 'publish' })} />
      </FormGroup>
      {form.imageMode === 'existing' && (
        <FormGroup label="Image version" fieldId="image-search" isRequired>
          <SearchPick<ImageVersion>
            id="image-search"
            label="Search image versions by label or file"
            path="/api/v1/admin/images"
            filters={mode === 'edit' && poolId ? { poolId } : undefined}
            single
            picked={form.imageVersionId ? [form.imageVersionId] : []}
            onPick={(i) => set({ imageVersionId: i.id, imageVersionLabel: i.label })}
            onUnpick={() => set({ imageVersionId: '', imageVersionLabel: '' })}
            rowLabel={(i) => i.label}
            rowDetail={(i) => (
              <>
                {i.goldenDiskPath} · published <When at={i.publishedAt} />
                <PoolNameOf id={i.poolId} />
              </>
            )}
            emptyWords={mode === 'create' ? 'No image version is published in your organisation yet: publish a new one.' : 'This pool has no other version.'}
          />
          <Help id="image-search-help" error={errors.imageVersionId} />
        </FormGroup>
      )}
      {form.imageMode === 'publish' && (
        <>
          <FormGroup label="Version label" fieldId="image-label" isRequired>
            <TextInput id="image-label" value={form.newImageLabel} onChange={(_e, v) => set({ newImageLabel: v })} validated={errors.newImageLabel ? 'error' : 'default'} aria-describedby="image-label-help" aria-invalid={!!errors.newImageLabel} />
            <Help id="image-label-help" error={errors.newImageLabel}>
              How people tell versions apart, e.g. 2026-11.
            </Help>
          </FormGroup>
          <FormGroup label="Golden disk" fieldId="image-path" isRequired>
            <TextInput id="image-path" value={form.goldenDiskPath} onChange={(_e, v) => set({ goldenDiskPath: v })} validated={errors.goldenDiskPath ? 'error' : 'default'} aria-describedby="image-path-help" aria-invalid={!!errors.goldenDiskPath} placeholder="/var/lib/deskport/images/…/golden.qcow2" />
            <Help id="image-path-help" error={errors.goldenDiskPath}>
              The full path of a disk file in your organisation’s image directory on the hypervisor hosts. How desktops
              boot (kernel, command line) is set by the platform operator.
            </Help>
          </FormGroup>
        </>
      )}
    </Form>
  );
}

export function SizingStep({ form, set, errors }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <NumberField id="sizing-min" label="Minimum desktops" value={form.minSize} onChange={(v) => set({ minSize: v })} error={errors.minSize} help="The pool never has fewer." isRequired />
      <NumberField id="sizing-max" label="Maximum desktops" value={form.maxSize} onChange={(v) => set({ maxSize: v })} error={errors.maxSize} help="It grows with demand up to this many." isRequired />
      <NumberField id="sizing-spare" label="Spare desktops kept ready" value={form.spareTarget} onChange={(v) => set({ spareTarget: v })} error={errors.spareTarget} help="Started and free for the next users, so that they do not wait." isRequired />
      <NumberField id="sizing-vcpus" label="Virtual CPUs per desktop" value={form.vcpus} onChange={(v) => set({ vcpus: v })} error={errors.vcpus} isRequired />
      <NumberField id="sizing-memory" label="Memory per desktop (MiB)" value={form.memoryMiB} onChange={(v) => set({ memoryMiB: v })} error={errors.memoryMiB} isRequired />
      <NumberField id="sizing-disk" label="Disk per desktop (MiB)" value={form.diskMiB} onChange={(v) => set({ diskMiB: v })} error={errors.diskMiB} isRequired />
      {form.kind === 'PERSISTENT' ? (
        <NumberField
          id="sizing-power"
          label="Switch a desktop off after its user disconnected (minutes)"
          value={form.powerOffMinutes}
          onChange={(v) => set({ powerOffMinutes: v })}
          error={errors.powerOffMinutes}
          help="Empty: leave it running. It starts again at its user’s next connect."
        />
      ) : (
        <Content component="p" className="dp-secondary">
          Power policy: pooled desktops are refreshed after each log off and kept ready; none is switched off.
        </Content>
      )}
      <Checkbox
        id="sizing-anti-affinity"
        label="Keep these desktops on different hypervisor hosts"
        description="For a small pool whose desktops back each other up: when a host is drained for maintenance, no two of them move to the same host."
        isChecked={form.antiAffinity}
        onChange={(_e, v) => set({ antiAffinity: v })}
      />
    </Form>
  );
}

export function SessionStep({ form, set, errors }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <NumberField id="session-idle" label="Idle sessions time out after (minutes)" value={form.idleMinutes} onChange={(v) => set({ idleMinutes: v })} error={errors.idleMinutes} help="No keyboard or mouse input this long. Empty: never." />
      <FormGroup label="Then the session is" fieldId="session-idle-action">
        <FormSelect id="session-idle-action" value={form.idleAction} onChange={(_e, v) => set({ idleAction: v === 'LOGOFF' ? 'LOGOFF' : 'DISCONNECT' })} isDisabled={form.idleMinutes.trim() === ''}>
          <FormSelectOption value="DISCONNECT" label="Disconnected (the user can come back to it)" />
          <FormSelectOption value="LOGOFF" label="Logged off (unsaved work is lost)" />
        </FormSelect>
      </FormGroup>
      <NumberField id="session-disconnected" label="Disconnected sessions end after (minutes)" value={form.disconnectMinutes} onChange={(v) => set({ disconnectMinutes: v })} error={errors.disconnectMinutes} help="Empty: never. Unsaved work in a session that ends is lost." />
      <NumberField id="session-max" label="Longest session (hours)" value={form.maxSessionHours} onChange={(v) => set({ maxSessionHours: v })} error={errors.maxSessionHours} help="Older sessions are logged off. Empty: no limit." />
      <Checkbox id="session-record" label="Record every session" description="Help desk can play recordings back." isChecked={form.recordSessions} onChange={(_e, v) => set({ recordSessions: v })} />
      <Checkbox
        id="session-announce-shadowing"
        label="Tell users while IT views their screen"
        description="When help desk shadows a session, the user sees who is watching, and when they stop."
        isChecked={form.announceShadowing}
        onChange={(_e, v) => set({ announceShadowing: v })}
      />
      <FormGroup role="radiogroup" isStack fieldId="session-clipboard" label="Clipboard between the browser and the desktop">
        {(Object.keys(CLIPBOARD_WORDS) as ClipboardPolicy[]).map((c) => (
          <Radio key={c} id={`session-clipboard-${c}`} name="session-clipboard" label={CLIPBOARD_WORDS[c]} isChecked={form.clipboardPolicy === c} onChange={() => set({ clipboardPolicy: c })} />
        ))}
        <Help id="session-clipboard-help">The broker drops clipboard text going the other way; users are told what the pool allows.</Help>
      </FormGroup>
      <Content component="p" data-testid="file-transfer">
        {FILE_TRANSFER_WORDS}
      </Content>
    </Form>
  );
}

export function BalancingStep({ form, set }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <FormGroup role="radiogroup" isStack fieldId="balancing" label="Where a new session goes">
        {(Object.keys(LOAD_BALANCING_WORDS) as LoadBalancing[]).map((b) => (
          <Radio key={b} id={`balancing-${b}`} name="balancing" label={LOAD_BALANCING_WORDS[b]} isChecked={form.loadBalancing === b} onChange={() => set({ loadBalancing: b })} />
        ))}
        <Help id="balancing-help">A draining host or one at its session limit is never chosen.</Help>
      </FormGroup>
    </Form>
  );
}

export function LicencesStep({ form, set, errors }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <FormGroup label="Licence products its sessions consume" fieldId="licence-search">
        <SearchPick<LicenceProduct>
          id="licence-search"
          label="Search licence products"
          path="/api/v1/admin/licence-products"
          picked={form.products.map((p) => p.id)}
          pickedLabels={form.products}
          onPick={(p) => set({ products: [...form.products, { id: p.id, name: p.name, model: p.model }] })}
          onUnpick={(id) => set({ products: form.products.filter((p) => p.id !== id) })}
          rowLabel={(p) => `${p.name} (${MODEL_SHORT[p.model]})`}
          rowDetail={(p) => `${p.seatsInUse} of ${p.seats} seats in use`}
          refusal={(p) => (form.kind === 'SHARED' && p.model === 'PER_DESKTOP' ? 'counted per desktop: a shared pool has none of its own' : undefined)}
          emptyWords="No licence product yet: add them under Licences."
        />
        <Help id="licence-search-help" error={errors.products}>
          Each connect takes a seat of every product chosen, or none (then it is refused, with the figures).
        </Help>
      </FormGroup>
    </Form>
  );
}

export function EntitlementsStep({ form, set }: StepProps) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <FormGroup label="Groups" fieldId="entitle-groups">
        <SearchPick<AdminGroup>
          id="entitle-groups"
          label="Search groups"
          path="/api/v1/admin/groups"
          picked={form.groups.map((g) => g.id)}
          pickedLabels={form.groups}
          onPick={(g) => set({ groups: [...form.groups, { id: g.id, name: g.name }] })}
          onUnpick={(id) => set({ groups: form.groups.filter((g) => g.id !== id) })}
          rowLabel={(g) => g.name}
          rowDetail={(g) => {
            const members = g.memberIds?.length ?? 0;
            return `${members} ${members === 1 ? 'member' : 'members'}`;
          }}
          emptyWords="No group yet."
        />
      </FormGroup>
      <FormGroup label="Users" fieldId="entitle-users">
        <SearchPick<AdminUser>
          id="entitle-users"
          label="Search users"
          path="/api/v1/admin/users"
          picked={form.users.map((u) => u.id)}
          pickedLabels={form.users}
          onPick={(u) => set({ users: [...form.users, { id: u.id, name: u.displayName || u.username }] })}
          onUnpick={(id) => set({ users: form.users.filter((u) => u.id !== id) })}
          rowLabel={(u) => (u.displayName && u.displayName !== u.username ? `${u.displayName} (${u.username})` : u.username)}
          emptyWords="No user yet."
        />
      </FormGroup>
      {form.users.length === 0 && form.groups.length === 0 && (
        <Alert variant="info" isInline title="Nobody will see this pool yet">
          Entitled users and members of entitled groups see it in My desktops. You can entitle them later on the pool’s page.
        </Alert>
      )}
    </Form>
  );
}

export function ReviewStep({ form, mode, changes }: { form: WizardForm; mode: WizardMode; changes: string[] | null }) {
  const { goToStepById } = useWizardContext();
  return (
    <>
      {changes && (
        <Alert variant={changes.length ? 'info' : 'warning'} isInline title={changes.length ? 'What will be saved' : 'Nothing has changed'} className="pf-v6-u-mb-md" data-testid="edit-changes">
          {changes.length ? (
            <ul>
              {changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          ) : (
            'Change something in the steps before, or cancel.'
          )}
        </Alert>
      )}
      {reviewSections(form, mode).map((section) => (
        <section key={section.step} aria-labelledby={`review-${section.step}`} className="pf-v6-u-mb-md">
          <Title headingLevel="h3" size="md" id={`review-${section.step}`}>
            {STEP_NAMES[section.step]}{' '}
            <Button variant="link" isInline onClick={() => goToStepById(section.step)} aria-label={`Change ${STEP_NAMES[section.step]}`}>
              Change
            </Button>
          </Title>
          <DescriptionList isCompact isHorizontal data-testid={`review-${section.step}`}>
            {section.items.map(([term, value]) => (
              <DescriptionListGroup key={term}>
                <DescriptionListTerm>{term}</DescriptionListTerm>
                <DescriptionListDescription>{value}</DescriptionListDescription>
              </DescriptionListGroup>
            ))}
          </DescriptionList>
        </section>
      ))}
    </>
  );
}
