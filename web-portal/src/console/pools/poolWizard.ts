/**
 * The pool wizard's logic, without React: which steps a pool has, what each step accepts (in words), the one
 * request that sets a new pool up (POST /api/v1/admin/pools/setup) and, when editing, which parts changed and how
 * each is saved with its own version.
 */
import type { PoolKind } from '../../api/types';
import type { AdminPool, Entitlement, PoolProvisioning } from '../adminTypes';
import type { LicenceModel } from '../licences/licenceTypes';

export type ClipboardPolicy = 'BOTH' | 'TO_DESKTOP' | 'FROM_DESKTOP' | 'NONE';
export type IdleAction = 'DISCONNECT' | 'LOGOFF';
export type LoadBalancing = 'BREADTH_FIRST' | 'DEPTH_FIRST';
export type StepId = 'kind' | 'image' | 'sizing' | 'session' | 'balancing' | 'licences' | 'entitlements' | 'review';
export type WizardMode = 'create' | 'edit';

/**
 * Where a pool's desktops start from: a version published already (create: any of the organisation's, copied;
 * edit: one of the pool's own, made current), a new version from a golden disk, or (edit) the current one kept.
 */
export type ImageMode = 'existing' | 'publish' | 'keep';

export interface Choice {
  id: string;
  name: string;
}

export interface ProductChoice extends Choice {
  model: LicenceModel;
}

/** What the admin fills in. Numbers are kept as typed; empty means the step's "none" (never, left running). */
export interface WizardForm {
  name: string;
  description: string;
  kind: PoolKind;
  /** PERSISTENT and POOLED: Deskport creates the desktops (provisioning); else they are registered by address. */
  managed: boolean;
  enabled: boolean;
  imageMode: ImageMode;
  imageVersionId: string;
  imageVersionLabel: string;
  newImageLabel: string;
  goldenDiskPath: string;
  minSize: string;
  maxSize: string;
  spareTarget: string;
  vcpus: string;
  memoryMiB: string;
  diskMiB: string;
  /** PERSISTENT: minutes disconnected before a desktop is switched off; empty: left running. */
  powerOffMinutes: string;
  idleMinutes: string;
  idleAction: IdleAction;
  disconnectMinutes: string;
  maxSessionHours: string;
  recordSessions: boolean;
  clipboardPolicy: ClipboardPolicy;
  loadBalancing: LoadBalancing;
  products: ProductChoice[];
  users: Choice[];
  groups: Choice[];
}

export type FieldErrors = Record<string, string>;

export const STEP_NAMES: Record<StepId, string> = {
  kind: 'Kind',
  image: 'Image',
  sizing: 'Sizing',
  session: 'Session policy',
  balancing: 'Load balancing',
  licences: 'Licences',
  entitlements: 'Entitlements',
  review: 'Review',
};

export const CLIPBOARD_WORDS: Record<ClipboardPolicy, string> = {
  BOTH: 'Both ways',
  TO_DESKTOP: 'Into the desktop only (paste in; nothing copied comes out)',
  FROM_DESKTOP: 'Out of the desktop only (copy out; nothing pasted goes in)',
  NONE: 'Off (neither way)',
};

export const LOAD_BALANCING_WORDS: Record<LoadBalancing, string> = {
  BREADTH_FIRST: 'Spread users over the hosts (the emptiest host first)',
  DEPTH_FIRST: 'Fill one host before the next (idle hosts can be switched off)',
};

/** The words the wizard says about file transfer: the gateway offers none, so there is nothing to switch. */
export const FILE_TRANSFER_WORDS = 'File transfer: not offered. The display gateway carries no files between the browser and the desktop.';

export function newForm(): WizardForm {
  return {
    name: '',
    description: '',
    kind: 'POOLED',
    managed: true,
    enabled: true,
    imageMode: 'publish',
    imageVersionId: '',
    imageVersionLabel: '',
    newImageLabel: '',
    goldenDiskPath: '',
    minSize: '0',
    maxSize: '10',
    spareTarget: '1',
    vcpus: '2',
    memoryMiB: '4096',
    diskMiB: '40960',
    powerOffMinutes: '',
    idleMinutes: '',
    idleAction: 'DISCONNECT',
    disconnectMinutes: '60',
    maxSessionHours: '',
    recordSessions: false,
    clipboardPolicy: 'BOTH',
    loadBalancing: 'BREADTH_FIRST',
    products: [],
    users: [],
    groups: [],
  };
}

/** A pool as it is now, with the version of each part, for editing. */
export interface PoolOriginal {
  pool: AdminPool;
  poolETag: string | null;
  /** null: Deskport does not create the pool's desktops. */
  provisioning: PoolProvisioning | null;
  provisioningETag: string | null;
  products: ProductChoice[];
  entitlements: Entitlement[];
  /** Names of the entitled users and groups, by id. */
  names: Record<string, string>;
}

const minutes = (seconds: number | null | undefined) => (seconds ? String(Math.round(seconds / 60)) : '');
const hours = (seconds: number | null | undefined) => (seconds ? String(Math.round(seconds / 3600)) : '');

/** The form of a pool as it is now. */
export function formFrom(o: PoolOriginal): WizardForm {
  const p = o.pool;
  const v = o.provisioning;
  const named = (id: string): Choice => ({ id, name: o.names[id] ?? 'unknown' });
  return {
    ...newForm(),
    name: p.name,
    description: p.description ?? '',
    kind: p.kind,
    managed: v !== null,
    enabled: p.enabled,
    imageMode: v ? 'keep' : 'publish',
    imageVersionId: v?.currentImage?.id ?? '',
    imageVersionLabel: v?.currentImage?.label ?? '',
    minSize: String(v?.minSize ?? 0),
    maxSize: String(v?.maxSize ?? 10),
    spareTarget: String(v?.spareTarget ?? 1),
    vcpus: String(v?.hardware?.vcpus ?? 2),
    memoryMiB: String(v?.hardware?.memoryMiB ?? 4096),
    diskMiB: String(v?.hardware?.diskMiB ?? 40960),
    powerOffMinutes: v?.stopAfterDisconnectedSeconds != null ? String(Math.round(v.stopAfterDisconnectedSeconds / 60)) : '',
    idleMinutes: minutes(p.idleTimeoutSeconds),
    idleAction: p.idleAction === 'LOGOFF' ? 'LOGOFF' : 'DISCONNECT',
    disconnectMinutes: minutes(p.disconnectTimeoutSeconds),
    maxSessionHours: hours(p.maxSessionSeconds),
    recordSessions: p.recordSessions,
    clipboardPolicy: p.clipboardPolicy ?? 'BOTH',
    loadBalancing: p.loadBalancing === 'DEPTH_FIRST' ? 'DEPTH_FIRST' : 'BREADTH_FIRST',
    products: o.products,
    users: o.entitlements.filter((e) => e.userId).map((e) => named(e.userId as string)),
    groups: o.entitlements.filter((e) => e.groupId).map((e) => named(e.groupId as string)),
  };
}

/** Whether the pool's desktops are created by Deskport (a VM pool with provisioning). */
export const provisioned = (f: WizardForm) => f.kind !== 'SHARED' && f.managed;

/** The steps of a pool of this kind: image and sizing for provisioned pools, load balancing for shared ones. */
export function stepsFor(f: WizardForm): StepId[] {
  const steps: StepId[] = ['kind'];
  if (provisioned(f)) {
    steps.push('image', 'sizing');
  }
  steps.push('session');
  if (f.kind === 'SHARED') {
    steps.push('balancing');
  }
  steps.push('licences', 'entitlements', 'review');
  return steps;
}

/** A whole number typed in a field, or NaN. */
export function wholeNumber(text: string): number {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : Number.NaN;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

function range(errors: FieldErrors, field: string, text: string, min: number, max: number, words: string, optional = false) {
  if (optional && text.trim() === '') {
    return;
  }
  const n = wholeNumber(text);
  if (Number.isNaN(n) || n < min || n > max) {
    errors[field] = `${words}: a whole number from ${fmt(min)} to ${fmt(max)}${optional ? ', or empty' : ''}.`;
  }
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DAY_MINUTES = 24 * 60;

/** What a step does not accept, field by field, in words (empty: the step is complete). */
export function validateStep(step: StepId, f: WizardForm, mode: WizardMode): FieldErrors {
  const e: FieldErrors = {};
  switch (step) {
    case 'kind':
      if (!f.name.trim()) {
        e.name = 'Give the pool a name: users see it in My desktops.';
      } else if (f.name.trim().length > 200) {
        e.name = 'At most 200 characters.';
      }
      if (f.description.length > 2000) {
        e.description = 'At most 2,000 characters.';
      }
      break;
    case 'image':
      if (f.imageMode === 'existing' && !f.imageVersionId) {
        e.imageVersionId = 'Choose an image version, or publish a new one.';
      }
      if (f.imageMode === 'publish') {
        if (!LABEL.test(f.newImageLabel.trim())) {
          e.newImageLabel = 'A label of 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (e.g. 2026-11).';
        }
        if (!f.goldenDiskPath.trim().startsWith('/')) {
          e.goldenDiskPath = 'The full path of the golden disk, starting with /, inside your organisation’s image directory.';
        }
      }
      if (f.imageMode === 'keep' && mode === 'create') {
        e.imageVersionId = 'Choose an image version, or publish a new one.';
      }
      break;
    case 'sizing': {
      range(e, 'minSize', f.minSize, 0, 10_000, 'Minimum');
      range(e, 'maxSize', f.maxSize, 1, 10_000, 'Maximum');
      range(e, 'spareTarget', f.spareTarget, 0, 10_000, 'Spare desktops');
      range(e, 'vcpus', f.vcpus, 1, 128, 'Virtual CPUs');
      range(e, 'memoryMiB', f.memoryMiB, 16, 4_194_304, 'Memory in MiB');
      range(e, 'diskMiB', f.diskMiB, 1, 67_108_864, 'Disk in MiB');
      const min = wholeNumber(f.minSize);
      const max = wholeNumber(f.maxSize);
      const spare = wholeNumber(f.spareTarget);
      if (!e.minSize && !e.maxSize && min > max) {
        e.minSize = `The minimum (${fmt(min)}) cannot be above the maximum (${fmt(max)}).`;
      }
      if (!e.spareTarget && !e.maxSize && spare > max) {
        e.spareTarget = `More spare desktops (${fmt(spare)}) than the pool may have (${fmt(max)}).`;
      }
      if (f.kind === 'PERSISTENT') {
        range(e, 'powerOffMinutes', f.powerOffMinutes, 0, 30 * DAY_MINUTES, 'Minutes before switching off', true);
      }
      break;
    }
    case 'session':
      range(e, 'idleMinutes', f.idleMinutes, 1, 30 * DAY_MINUTES, 'Idle minutes', true);
      range(e, 'disconnectMinutes', f.disconnectMinutes, 1, 30 * DAY_MINUTES, 'Minutes disconnected', true);
      range(e, 'maxSessionHours', f.maxSessionHours, 1, 365 * 24, 'Hours', true);
      break;
    case 'licences': {
      const perDesktop = f.products.filter((p) => p.model === 'PER_DESKTOP');
      if (f.kind === 'SHARED' && perDesktop.length) {
        e.products = `${perDesktop.map((p) => `“${p.name}”`).join(', ')} ${perDesktop.length === 1 ? 'is' : 'are'} counted per desktop, and a shared pool has no desktops of its own: choose a per-user or per-device product.`;
      }
      break;
    }
    default:
      break;
  }
  return e;
}

/** The first step (of those the pool has) that does not accept what it holds, or null. */
export function firstInvalidStep(f: WizardForm, mode: WizardMode): StepId | null {
  return stepsFor(f).find((s) => Object.keys(validateStep(s, f, mode)).length > 0) ?? null;
}

const secondsOfMinutes = (text: string) => (text.trim() === '' ? 0 : wholeNumber(text) * 60);
const secondsOfHours = (text: string) => (text.trim() === '' ? 0 : wholeNumber(text) * 3600);

/** The pool's settings as the API takes them; 0 switches a timeout off. */
export function poolSettings(f: WizardForm) {
  return {
    name: f.name.trim(),
    description: f.description.trim(),
    loadBalancing: f.loadBalancing,
    idleTimeoutSeconds: secondsOfMinutes(f.idleMinutes),
    idleAction: f.idleAction,
    disconnectTimeoutSeconds: secondsOfMinutes(f.disconnectMinutes),
    maxSessionSeconds: secondsOfHours(f.maxSessionHours),
    recordSessions: f.recordSessions,
    clipboardPolicy: f.clipboardPolicy,
  };
}

/** Sizing, hardware and power policy as the API takes them; -1 switches the power policy off. */
export function provisioningSettings(f: WizardForm) {
  return {
    minSize: wholeNumber(f.minSize),
    maxSize: wholeNumber(f.maxSize),
    spareTarget: wholeNumber(f.spareTarget),
    vcpus: wholeNumber(f.vcpus),
    memoryMiB: wholeNumber(f.memoryMiB),
    diskMiB: wholeNumber(f.diskMiB),
    ...(f.kind === 'PERSISTENT' ? { stopAfterDisconnectedSeconds: f.powerOffMinutes.trim() === '' ? -1 : wholeNumber(f.powerOffMinutes) * 60 } : {}),
  };
}

/** The one call that sets a new pool up, all or nothing (POST /api/v1/admin/pools/setup). */
export function setupRequest(f: WizardForm) {
  const { idleTimeoutSeconds, maxSessionSeconds, description, loadBalancing, ...rest } = poolSettings(f);
  const sizing = provisioningSettings(f);
  if (f.kind === 'PERSISTENT' && sizing.stopAfterDisconnectedSeconds === -1) {
    delete sizing.stopAfterDisconnectedSeconds; // a new pool has no power policy to switch off
  }
  return {
    pool: {
      ...rest,
      kind: f.kind,
      enabled: f.enabled,
      ...(description ? { description } : {}),
      ...(f.kind === 'SHARED' ? { loadBalancing } : {}),
      ...(idleTimeoutSeconds ? { idleTimeoutSeconds } : {}),
      ...(maxSessionSeconds ? { maxSessionSeconds } : {}),
    },
    ...(provisioned(f)
      ? {
          provisioning: sizing,
          image:
            f.imageMode === 'existing'
              ? { copyOf: f.imageVersionId }
              : { label: f.newImageLabel.trim(), goldenDiskPath: f.goldenDiskPath.trim() },
        }
      : {}),
    licenceProductIds: f.products.map((p) => p.id),
    entitlements: { userIds: f.users.map((u) => u.id), groupIds: f.groups.map((g) => g.id) },
  };
}

/** What an edit changes, part by part; each part is saved on its own, the versioned ones with If-Match. */
export interface EditPlan {
  /** PATCH /pools/{id}: only the members that changed. */
  pool: Record<string, unknown> | null;
  /** PUT /pools/{id}/provisioning: the members that changed, or all of them when the pool is provisioned now. */
  provisioning: Record<string, unknown> | null;
  image: { publish: { label: string; goldenDiskPath: string } } | { current: string } | null;
  addProducts: string[];
  removeProducts: string[];
  grantUsers: string[];
  grantGroups: string[];
  /** Entitlement ids. */
  revoke: string[];
}

function changed(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (before[k] !== v) {
      out[k] = v;
    }
  }
  return Object.keys(out).length ? out : null;
}

/** The parts an edit changes, from the pool as it was read and the form. */
export function editPlan(o: PoolOriginal, f: WizardForm): EditPlan {
  const p = o.pool;
  const was = {
    name: p.name,
    description: p.description ?? '',
    loadBalancing: p.loadBalancing,
    idleTimeoutSeconds: p.idleTimeoutSeconds ?? 0,
    idleAction: p.idleAction,
    disconnectTimeoutSeconds: p.disconnectTimeoutSeconds ?? 0,
    maxSessionSeconds: p.maxSessionSeconds ?? 0,
    recordSessions: p.recordSessions,
    clipboardPolicy: p.clipboardPolicy ?? 'BOTH',
  };
  const now: Record<string, unknown> = poolSettings(f);
  if (p.kind !== 'SHARED') {
    delete now.loadBalancing;
  }
  let provisioning: Record<string, unknown> | null = null;
  if (provisioned(f)) {
    const settings = provisioningSettings(f);
    const v = o.provisioning;
    provisioning = v
      ? changed(
          {
            minSize: v.minSize,
            maxSize: v.maxSize,
            spareTarget: v.spareTarget,
            vcpus: v.hardware?.vcpus,
            memoryMiB: v.hardware?.memoryMiB,
            diskMiB: v.hardware?.diskMiB,
            stopAfterDisconnectedSeconds: v.stopAfterDisconnectedSeconds ?? -1,
          },
          settings,
        )
      : settings;
  }
  let image: EditPlan['image'] = null;
  if (provisioned(f) && f.imageMode === 'publish') {
    image = { publish: { label: f.newImageLabel.trim(), goldenDiskPath: f.goldenDiskPath.trim() } };
  } else if (provisioned(f) && f.imageMode === 'existing' && f.imageVersionId && f.imageVersionId !== o.provisioning?.currentImage?.id) {
    image = { current: f.imageVersionId };
  }
  const had = new Set(o.products.map((x) => x.id));
  const wants = new Set(f.products.map((x) => x.id));
  const users = new Set(f.users.map((u) => u.id));
  const groups = new Set(f.groups.map((g) => g.id));
  const hadUsers = new Set(o.entitlements.flatMap((e) => (e.userId ? [e.userId] : [])));
  const hadGroups = new Set(o.entitlements.flatMap((e) => (e.groupId ? [e.groupId] : [])));
  return {
    pool: changed(was, now),
    provisioning,
    image,
    addProducts: [...wants].filter((id) => !had.has(id)),
    removeProducts: [...had].filter((id) => !wants.has(id)),
    grantUsers: [...users].filter((id) => !hadUsers.has(id)),
    grantGroups: [...groups].filter((id) => !hadGroups.has(id)),
    revoke: o.entitlements.filter((e) => (e.userId ? !users.has(e.userId) : e.groupId ? !groups.has(e.groupId) : false)).map((e) => e.id),
  };
}

/** Whether an edit changes anything at all. */
export function planIsEmpty(plan: EditPlan): boolean {
  return (
    !plan.pool &&
    !plan.provisioning &&
    !plan.image &&
    !plan.addProducts.length &&
    !plan.removeProducts.length &&
    !plan.grantUsers.length &&
    !plan.grantGroups.length &&
    !plan.revoke.length
  );
}

const FIELD_STEPS: ReadonlyArray<[RegExp, StepId]> = [
  [/^(pool\.)?(name|description|kind|enabled)$/, 'kind'],
  [/^(pool\.)?loadBalancing$/, 'balancing'],
  [/^(pool\.)?(idle|disconnect|maxSession|prepareTimeout|recordSessions|clipboardPolicy)/, 'session'],
  [/^(image(\.|$)|label$|goldenDiskPath$|kernel|initrd)/, 'image'],
  [/^(provisioning(\.|$)|minSize|maxSize|spareTarget|vcpus|memoryMiB|diskMiB|video|stopAfter)/, 'sizing'],
  [/^(licenceProductIds|productId)/, 'licences'],
  [/^entitlements/, 'entitlements'],
];

const PART_STEPS: Record<string, StepId> = {
  'the image': 'image',
  'the licences': 'licences',
  'the entitlements': 'entitlements',
  'the pool’s sizing': 'sizing',
};

/**
 * The step a refusal of the broker belongs to: by the field it names, else by the kind of object not found, else
 * by the part of an edit that was refused.
 */
export function stepOfRefusal(fields: string[], objectType?: string, part?: string): StepId {
  for (const field of fields) {
    const hit = FIELD_STEPS.find(([re]) => re.test(field));
    if (hit) {
      return hit[1];
    }
  }
  switch ((objectType ?? '').toLowerCase()) {
    case 'user':
    case 'group':
      return 'entitlements';
    case 'licenceproduct':
      return 'licences';
    case 'image version':
      return 'image';
    default:
      return (part && PART_STEPS[part]) || 'review';
  }
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What an edit will save, part by part, in words (empty: nothing changed). */
export function planWords(plan: EditPlan): string[] {
  const out: string[] = [];
  if (plan.pool) {
    out.push(`Settings: ${Object.keys(plan.pool).join(', ')}`);
  }
  if (plan.provisioning) {
    out.push(`Sizing: ${Object.keys(plan.provisioning).join(', ')}`);
  }
  if (plan.image) {
    out.push('publish' in plan.image ? `Image: publish ${plan.image.publish.label} and make it current` : 'Image: switch to another version');
  }
  if (plan.addProducts.length || plan.removeProducts.length) {
    out.push(`Licences: ${count(plan.addProducts.length, 'product')} added, ${count(plan.removeProducts.length, 'product')} removed`);
  }
  const granted = plan.grantUsers.length + plan.grantGroups.length;
  if (granted || plan.revoke.length) {
    out.push(`Entitlements: ${count(granted, 'added', 'added')}, ${count(plan.revoke.length, 'removed', 'removed')}`);
  }
  return out;
}

/** The broker's field names → the wizard's (sizes and timeouts are typed in other units, under other names). */
export function formFieldOf(field: string): string {
  const f = field.replace(/^(pool|provisioning|image)\./, '');
  switch (f) {
    case 'idleTimeoutSeconds':
      return 'idleMinutes';
    case 'disconnectTimeoutSeconds':
      return 'disconnectMinutes';
    case 'maxSessionSeconds':
      return 'maxSessionHours';
    case 'stopAfterDisconnectedSeconds':
      return 'powerOffMinutes';
    case 'label':
      return 'newImageLabel';
    case 'copyOf':
      return 'imageVersionId';
    case 'productId':
    case 'licenceProductIds':
      return 'products';
    default:
      return f;
  }
}

const durationOf = (text: string, unit: 'min' | 'h', none: string) => (text.trim() === '' ? none : `${text.trim()} ${unit}`);

/** Everything the wizard will set, step by step, as the Review step lists it. */
export function reviewSections(f: WizardForm, mode: WizardMode): Array<{ step: StepId; items: Array<[string, string]> }> {
  const kindWords: Record<PoolKind, string> = {
    PERSISTENT: 'Persistent (one desktop per user)',
    POOLED: 'Pooled (any free desktop)',
    SHARED: 'Shared (session hosts)',
  };
  const sections: Array<{ step: StepId; items: Array<[string, string]> }> = [
    {
      step: 'kind',
      items: [
        ['Name', f.name.trim()],
        ['Description', f.description.trim() || '—'],
        ['Kind', kindWords[f.kind]],
        ...(f.kind !== 'SHARED'
          ? ([['Its desktops', f.managed ? 'Created by Deskport (provisioning)' : 'Registered by their console address']] as Array<[string, string]>)
          : []),
        ...(mode === 'create' ? ([['Enabled', f.enabled ? 'Yes: entitled users can connect at once' : 'No: nobody can connect until it is enabled']] as Array<[string, string]>) : []),
      ],
    },
  ];
  if (provisioned(f)) {
    sections.push({
      step: 'image',
      items: [
        [
          'Image',
          f.imageMode === 'keep'
            ? `Keep the current version (${f.imageVersionLabel || 'none'})`
            : f.imageMode === 'existing'
              ? `${mode === 'create' ? 'A copy of' : 'Switch to'} version ${f.imageVersionLabel || f.imageVersionId}`
              : `Publish version ${f.newImageLabel.trim()} from ${f.goldenDiskPath.trim()}`,
        ],
      ],
    });
    sections.push({
      step: 'sizing',
      items: [
        ['Desktops', `${f.minSize} to ${f.maxSize}, ${f.spareTarget} kept ready for the next users`],
        ['Hardware', `${f.vcpus} vCPU, ${f.memoryMiB} MiB memory, ${f.diskMiB} MiB disk`],
        ...(f.kind === 'PERSISTENT'
          ? ([['Power policy', f.powerOffMinutes.trim() === '' ? 'Left running' : `Switched off ${f.powerOffMinutes.trim()} min after its user disconnects`]] as Array<[string, string]>)
          : []),
      ],
    });
  }
  sections.push({
    step: 'session',
    items: [
      ['Idle sessions', f.idleMinutes.trim() === '' ? 'Never timed out' : `${f.idleAction === 'LOGOFF' ? 'Logged off' : 'Disconnected'} after ${f.idleMinutes.trim()} min without input`],
      ['Disconnected sessions end after', durationOf(f.disconnectMinutes, 'min', 'never')],
      ['Longest session', durationOf(f.maxSessionHours, 'h', 'no limit')],
      ['Recording', f.recordSessions ? 'Every session is recorded' : 'Off'],
      ['Clipboard', CLIPBOARD_WORDS[f.clipboardPolicy]],
      ['File transfer', 'Not offered'],
    ],
  });
  if (f.kind === 'SHARED') {
    sections.push({ step: 'balancing', items: [['New sessions', LOAD_BALANCING_WORDS[f.loadBalancing]]] });
  }
  sections.push({
    step: 'licences',
    items: [['Licence products consumed', f.products.length ? f.products.map((p) => p.name).join(', ') : 'None']],
  });
  sections.push({
    step: 'entitlements',
    items: [
      ['Groups', f.groups.length ? f.groups.map((g) => g.name).join(', ') : 'None'],
      ['Users', f.users.length ? f.users.map((u) => u.name).join(', ') : 'None'],
    ],
  });
  return sections;
}
