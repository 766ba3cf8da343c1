/**
 * The pool wizard's form, without React: what the admin fills in, which steps a pool has and what each step accepts
 * (in words). What is sent is in poolChanges, what the Review step lists in poolReview.
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
  /** The pool's desktops never share a hypervisor host when one is drained for maintenance. */
  antiAffinity: boolean;
  idleMinutes: string;
  idleAction: IdleAction;
  disconnectMinutes: string;
  maxSessionHours: string;
  recordSessions: boolean;
  /** The user's portal says so while an admin or help-desk agent views (shadows) their screen. */
  announceShadowing: boolean;
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
    antiAffinity: false,
    idleMinutes: '',
    idleAction: 'DISCONNECT',
    disconnectMinutes: '60',
    maxSessionHours: '',
    recordSessions: false,
    announceShadowing: true,
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
    antiAffinity: v?.antiAffinity ?? false,
    idleMinutes: minutes(p.idleTimeoutSeconds),
    idleAction: p.idleAction === 'LOGOFF' ? 'LOGOFF' : 'DISCONNECT',
    disconnectMinutes: minutes(p.disconnectTimeoutSeconds),
    maxSessionHours: hours(p.maxSessionSeconds),
    recordSessions: p.recordSessions,
    announceShadowing: p.announceShadowing !== false,
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
