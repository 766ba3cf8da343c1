/**
 * What the pool wizard sends: the one request that sets a new pool up (POST /api/v1/admin/pools/setup) and, when
 * editing, which parts changed and how each is saved with its own version; and where a refusal of the broker takes
 * the admin back to.
 */
import { provisioned, wholeNumber, type PoolOriginal, type StepId, type WizardForm } from './poolWizard';

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
    announceShadowing: f.announceShadowing,
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
    antiAffinity: f.antiAffinity,
  };
}

/** First settings of a pool that had none: what is the default is left out. */
function withoutDefaults(settings: ReturnType<typeof provisioningSettings>): Record<string, unknown> {
  const { antiAffinity, ...rest } = settings;
  return antiAffinity ? settings : rest;
}

/** The one call that sets a new pool up, all or nothing (POST /api/v1/admin/pools/setup). */
export function setupRequest(f: WizardForm) {
  const { idleTimeoutSeconds, maxSessionSeconds, description, loadBalancing, ...rest } = poolSettings(f);
  const sizing = provisioningSettings(f);
  if (f.kind === 'PERSISTENT' && sizing.stopAfterDisconnectedSeconds === -1) {
    delete sizing.stopAfterDisconnectedSeconds; // a new pool has no power policy to switch off
  }
  if (!sizing.antiAffinity) {
    delete (sizing as { antiAffinity?: boolean }).antiAffinity; // the default
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
    announceShadowing: p.announceShadowing !== false,
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
            antiAffinity: v.antiAffinity ?? false,
          },
          settings,
        )
      : withoutDefaults(settings);
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
  [/^(pool\.)?(idle|disconnect|maxSession|prepareTimeout|recordSessions|announceShadowing|clipboardPolicy)/, 'session'],
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
