import type { AdminPool, PoolProvisioning } from '../adminTypes';
import { editPlan, formFieldOf, planIsEmpty, planWords, setupRequest, stepOfRefusal } from './poolChanges';
import { reviewSections } from './poolReview';
import { firstInvalidStep, formFrom, newForm, stepsFor, validateStep, type PoolOriginal, type WizardForm } from './poolWizard';

const form = (patch: Partial<WizardForm>): WizardForm => ({ ...newForm(), name: 'Office', ...patch });

const pool: AdminPool = {
  id: 'p1',
  tenantId: 't1',
  name: 'Office',
  description: 'Fresh desktops',
  kind: 'PERSISTENT',
  enabled: true,
  loadBalancing: 'BREADTH_FIRST',
  idleTimeoutSeconds: 1800,
  idleAction: 'DISCONNECT',
  disconnectTimeoutSeconds: 3600,
  maxSessionSeconds: null,
  recordSessions: false,
  prepareTimeoutSeconds: null,
  clipboardPolicy: 'BOTH',
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};

const provisioning = {
  poolId: 'p1',
  poolKind: 'PERSISTENT',
  enabled: true,
  minSize: 1,
  maxSize: 5,
  spareTarget: 1,
  hardware: { vcpus: 2, memoryMiB: 4096, diskMiB: 40960, video: 'vga' },
  stopAfterDisconnectedSeconds: null,
  currentImage: { id: 'i1', label: '2026-10', publishedBy: 'admin', publishedAt: '2026-10-01T00:00:00Z' },
  previousImage: null,
  rolledBack: false,
  simulated: true,
  desktops: 2,
  desktopsByState: {},
  desktopsOnTargetImage: 2,
  recentRefusals: 0,
  lastExhaustedAt: null,
  notes: [],
} as PoolProvisioning;

const original: PoolOriginal = {
  pool,
  poolETag: '"4"',
  provisioning,
  provisioningETag: '"2"',
  products: [{ id: 'l1', name: 'Office CAL', model: 'NAMED_USER' }],
  entitlements: [
    { id: 'e1', poolId: 'p1', userId: 'u1', groupId: null, createdAt: '2026-12-01T10:00:00Z' },
    { id: 'e2', poolId: 'p1', userId: null, groupId: 'g1', createdAt: '2026-12-01T10:00:00Z' },
  ],
  names: { u1: 'Alice', g1: 'Staff' },
};

describe('the steps of a pool', () => {
  it('has image and sizing when Deskport creates its desktops, load balancing when it is shared', () => {
    expect(stepsFor(form({ kind: 'POOLED' }))).toEqual(['kind', 'image', 'sizing', 'session', 'licences', 'entitlements', 'review']);
    expect(stepsFor(form({ kind: 'PERSISTENT', managed: false }))).toEqual(['kind', 'session', 'licences', 'entitlements', 'review']);
    expect(stepsFor(form({ kind: 'SHARED', managed: true }))).toEqual(['kind', 'session', 'balancing', 'licences', 'entitlements', 'review']);
  });
});

describe('step validation', () => {
  it('asks for a name, in words', () => {
    expect(validateStep('kind', form({ name: '  ' }), 'create')).toEqual({ name: 'Give the pool a name: users see it in My desktops.' });
    expect(validateStep('kind', form({}), 'create')).toEqual({});
  });

  it('refuses sizes that do not fit together and says why with the numbers', () => {
    expect(validateStep('sizing', form({ minSize: '3', maxSize: '2', spareTarget: '5' }), 'create')).toEqual({
      minSize: 'The minimum (3) cannot be above the maximum (2).',
      spareTarget: 'More spare desktops (5) than the pool may have (2).',
    });
    expect(validateStep('sizing', form({ maxSize: 'ten', vcpus: '0' }), 'create')).toEqual({
      maxSize: 'Maximum: a whole number from 1 to 10,000.',
      vcpus: 'Virtual CPUs: a whole number from 1 to 128.',
    });
  });

  it('checks the power policy of persistent pools only', () => {
    expect(validateStep('sizing', form({ kind: 'PERSISTENT', powerOffMinutes: '-5' }), 'create').powerOffMinutes).toMatch(/^Minutes before switching off: a whole number from 0 to 43,200, or empty\.$/);
    expect(validateStep('sizing', form({ kind: 'POOLED', powerOffMinutes: '-5' }), 'create')).toEqual({});
  });

  it('wants an image version chosen, or a label and an absolute golden disk path', () => {
    expect(validateStep('image', form({ imageMode: 'existing' }), 'create')).toEqual({ imageVersionId: 'Choose an image version, or publish a new one.' });
    const publish = validateStep('image', form({ imageMode: 'publish', newImageLabel: '-bad', goldenDiskPath: 'golden.qcow2' }), 'create');
    expect(Object.keys(publish)).toEqual(['newImageLabel', 'goldenDiskPath']);
    expect(validateStep('image', form({ imageMode: 'publish', newImageLabel: '2026-11', goldenDiskPath: '/images/g.qcow2' }), 'create')).toEqual({});
  });

  it('takes empty timeouts as never and refuses zero minutes', () => {
    expect(validateStep('session', form({ idleMinutes: '', disconnectMinutes: '', maxSessionHours: '' }), 'create')).toEqual({});
    expect(validateStep('session', form({ idleMinutes: '0' }), 'create').idleMinutes).toBe('Idle minutes: a whole number from 1 to 43,200, or empty.');
  });

  it('refuses per-desktop licences for a shared pool by name', () => {
    expect(validateStep('licences', form({ kind: 'SHARED', products: [{ id: 'l9', name: 'VDA', model: 'PER_DESKTOP' }] }), 'create').products).toMatch(
      /^“VDA” is counted per desktop, and a shared pool has no desktops of its own/,
    );
  });

  it('finds the first step that needs the admin', () => {
    expect(firstInvalidStep(form({ maxSize: '0' }), 'create')).toBe('image');
    expect(firstInvalidStep(form({ imageMode: 'publish', newImageLabel: 'v1', goldenDiskPath: '/g', maxSize: '0' }), 'create')).toBe('sizing');
    expect(firstInvalidStep(form({ kind: 'SHARED' }), 'create')).toBeNull();
  });
});

describe('the setup request', () => {
  it('sends the pool, its provisioning with a new image, licences and entitlements in one body', () => {
    const body = setupRequest(
      form({
        kind: 'PERSISTENT',
        description: ' Engineers ',
        imageMode: 'publish',
        newImageLabel: '2026-11',
        goldenDiskPath: ' /images/g.qcow2 ',
        minSize: '1',
        maxSize: '4',
        spareTarget: '0',
        powerOffMinutes: '30',
        idleMinutes: '15',
        idleAction: 'LOGOFF',
        disconnectMinutes: '',
        maxSessionHours: '12',
        recordSessions: true,
        clipboardPolicy: 'TO_DESKTOP',
        products: [{ id: 'l1', name: 'CAL', model: 'NAMED_USER' }],
        users: [{ id: 'u1', name: 'Alice' }],
        groups: [{ id: 'g1', name: 'Staff' }],
      }),
    );
    expect(body).toEqual({
      pool: {
        name: 'Office',
        description: 'Engineers',
        kind: 'PERSISTENT',
        enabled: true,
        idleTimeoutSeconds: 900,
        idleAction: 'LOGOFF',
        disconnectTimeoutSeconds: 0,
        maxSessionSeconds: 43200,
        recordSessions: true,
        announceShadowing: true,
        clipboardPolicy: 'TO_DESKTOP',
      },
      provisioning: { minSize: 1, maxSize: 4, spareTarget: 0, vcpus: 2, memoryMiB: 4096, diskMiB: 40960, stopAfterDisconnectedSeconds: 1800 },
      image: { label: '2026-11', goldenDiskPath: '/images/g.qcow2' },
      licenceProductIds: ['l1'],
      entitlements: { userIds: ['u1'], groupIds: ['g1'] },
    });
  });

  it('copies a chosen version, and leaves provisioning and image out of a shared pool', () => {
    expect(setupRequest(form({ imageMode: 'existing', imageVersionId: 'i7' })).image).toEqual({ copyOf: 'i7' });
    const shared = setupRequest(form({ kind: 'SHARED', loadBalancing: 'DEPTH_FIRST' }));
    expect(shared).not.toHaveProperty('provisioning');
    expect(shared).not.toHaveProperty('image');
    expect(shared.pool).toMatchObject({ kind: 'SHARED', loadBalancing: 'DEPTH_FIRST', disconnectTimeoutSeconds: 3600 });
  });
});

describe('editing', () => {
  it('starts from the pool as it is', () => {
    const f = formFrom(original);
    expect(f).toMatchObject({ name: 'Office', kind: 'PERSISTENT', managed: true, imageMode: 'keep', imageVersionLabel: '2026-10', idleMinutes: '30', disconnectMinutes: '60', maxSessionHours: '', powerOffMinutes: '' });
    expect(f.users).toEqual([{ id: 'u1', name: 'Alice' }]);
    expect(planIsEmpty(editPlan(original, f))).toBe(true);
  });

  it('saves only what changed, part by part', () => {
    const f = formFrom(original);
    const plan = editPlan(original, {
      ...f,
      clipboardPolicy: 'NONE',
      announceShadowing: false,
      idleMinutes: '',
      maxSize: '8',
      powerOffMinutes: '20',
      products: [{ id: 'l2', name: 'VDA', model: 'PER_DESKTOP' }],
      users: [],
      groups: [...f.groups, { id: 'g2', name: 'Engineers' }],
    });
    expect(plan).toEqual({
      pool: { idleTimeoutSeconds: 0, announceShadowing: false, clipboardPolicy: 'NONE' },
      provisioning: { maxSize: 8, stopAfterDisconnectedSeconds: 1200 },
      image: null,
      addProducts: ['l2'],
      removeProducts: ['l1'],
      grantUsers: [],
      grantGroups: ['g2'],
      revoke: ['e1'],
    });
    expect(planWords(plan)).toEqual([
      'Settings: idleTimeoutSeconds, announceShadowing, clipboardPolicy',
      'Sizing: maxSize, stopAfterDisconnectedSeconds',
      'Licences: 1 product added, 1 product removed',
      'Entitlements: 1 added, 1 removed',
    ]);
  });

  it('switches the power policy off, publishes a new image or makes another version current', () => {
    const provisioned = { ...original, provisioning: { ...provisioning, stopAfterDisconnectedSeconds: 600 } };
    const f = formFrom(provisioned);
    expect(f.powerOffMinutes).toBe('10');
    expect(editPlan(provisioned, { ...f, powerOffMinutes: '' }).provisioning).toEqual({ stopAfterDisconnectedSeconds: -1 });
    expect(editPlan(original, { ...f, imageMode: 'publish', newImageLabel: 'v2', goldenDiskPath: '/g2' }).image).toEqual({ publish: { label: 'v2', goldenDiskPath: '/g2' } });
    expect(editPlan(original, { ...f, imageMode: 'existing', imageVersionId: 'i0' }).image).toEqual({ current: 'i0' });
    expect(editPlan(original, { ...f, imageMode: 'existing', imageVersionId: 'i1' }).image).toBeNull();
  });

  it('keeps a pool’s desktops on different hosts, and lets it go again', () => {
    const f = formFrom(original);
    expect(f.antiAffinity).toBe(false);
    expect(editPlan(original, { ...f, antiAffinity: true }).provisioning).toEqual({ antiAffinity: true });
    const apart = { ...original, provisioning: { ...provisioning, antiAffinity: true } };
    expect(formFrom(apart).antiAffinity).toBe(true);
    expect(editPlan(apart, { ...formFrom(apart), antiAffinity: false }).provisioning).toEqual({ antiAffinity: false });
    expect(setupRequest({ ...newForm(), kind: 'PERSISTENT', antiAffinity: true }).provisioning).toMatchObject({ antiAffinity: true });
    expect(reviewSections({ ...f, antiAffinity: true }, 'edit').flatMap((x) => x.items.map((i) => i[1]))).toContain(
      'Never two of its desktops on one host when a host is drained',
    );
  });

  it('provisions a pool whose desktops were registered, with all its sizing', () => {
    const registered = { ...original, pool: { ...pool, kind: 'POOLED' as const }, provisioning: null, provisioningETag: null };
    const f = formFrom(registered);
    expect(f.managed).toBe(false);
    const plan = editPlan(registered, { ...f, managed: true, imageMode: 'publish', newImageLabel: 'v1', goldenDiskPath: '/g' });
    expect(plan.provisioning).toEqual({ minSize: 0, maxSize: 10, spareTarget: 1, vcpus: 2, memoryMiB: 4096, diskMiB: 40960 });
    expect(plan.image).toEqual({ publish: { label: 'v1', goldenDiskPath: '/g' } });
  });
});

describe('refusals of the broker', () => {
  it('go to the step of the field they name, or of the object not found', () => {
    expect(stepOfRefusal(['pool.name'])).toBe('kind');
    expect(stepOfRefusal(['goldenDiskPath'])).toBe('image');
    expect(stepOfRefusal(['provisioning.maxSize'])).toBe('sizing');
    expect(stepOfRefusal(['pool.disconnectTimeoutSeconds'])).toBe('session');
    expect(stepOfRefusal(['productId'])).toBe('licences');
    expect(stepOfRefusal([], 'Group')).toBe('entitlements');
    expect(stepOfRefusal([], 'LicenceProduct')).toBe('licences');
    expect(stepOfRefusal([], undefined, 'the licences')).toBe('licences');
    expect(stepOfRefusal([])).toBe('review');
  });

  it('name the wizard’s fields', () => {
    expect(formFieldOf('pool.idleTimeoutSeconds')).toBe('idleMinutes');
    expect(formFieldOf('image.label')).toBe('newImageLabel');
    expect(formFieldOf('provisioning.minSize')).toBe('minSize');
  });
});

describe('the review', () => {
  it('lists everything the wizard sets, file transfer included', () => {
    const sections = reviewSections(
      form({ kind: 'POOLED', imageMode: 'existing', imageVersionLabel: 'golden-7', clipboardPolicy: 'FROM_DESKTOP', groups: [{ id: 'g1', name: 'Staff' }] }),
      'create',
    );
    expect(sections.map((s) => s.step)).toEqual(['kind', 'image', 'sizing', 'session', 'licences', 'entitlements']);
    const all = Object.fromEntries(sections.flatMap((s) => s.items));
    expect(all).toMatchObject({
      Name: 'Office',
      Image: 'A copy of version golden-7',
      Desktops: '0 to 10, 1 kept ready for the next users',
      Clipboard: 'Out of the desktop only (copy out; nothing pasted goes in)',
      'File transfer': 'Not offered',
      Groups: 'Staff',
      Users: 'None',
    });
  });
});
