import { adminClient } from '../adminApi';
import { fakeBroker, pathOf } from '../testBroker';
import { editPlan } from './poolChanges';
import { formFrom, type PoolOriginal } from './poolWizard';
import { saveEdit } from './poolWizardApi';

afterEach(() => vi.unstubAllGlobals());

const original: PoolOriginal = {
  pool: {
    id: 'p1',
    tenantId: 't1',
    name: 'Office',
    description: '',
    kind: 'POOLED',
    enabled: true,
    loadBalancing: 'BREADTH_FIRST',
    idleTimeoutSeconds: null,
    idleAction: 'DISCONNECT',
    disconnectTimeoutSeconds: 3600,
    maxSessionSeconds: null,
    recordSessions: false,
    prepareTimeoutSeconds: null,
    clipboardPolicy: 'BOTH',
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
  },
  poolETag: '"4"',
  provisioning: {
    poolId: 'p1',
    poolKind: 'POOLED',
    enabled: true,
    minSize: 0,
    maxSize: 5,
    spareTarget: 1,
    hardware: { vcpus: 2, memoryMiB: 4096, diskMiB: 40960, video: 'vga' },
    stopAfterDisconnectedSeconds: null,
    currentImage: null,
    previousImage: null,
    rolledBack: false,
    simulated: true,
    desktops: 0,
    desktopsByState: {},
    desktopsOnTargetImage: 0,
    recentRefusals: 0,
    lastExhaustedAt: null,
    notes: [],
  },
  provisioningETag: '"7"',
  products: [],
  entitlements: [{ id: 'e1', poolId: 'p1', userId: 'u1', groupId: null, createdAt: '2026-12-01T10:00:00Z' }],
  names: { u1: 'Alice' },
};

describe('saving an edit', () => {
  it('saves each changed part with the version it was read at, settings first, then the rest', async () => {
    const calls = fakeBroker((c) => ({ status: c.method === 'DELETE' ? 204 : 200, body: {}, headers: { ETag: '"9"' } }));
    const f = formFrom(original);
    const plan = editPlan(original, { ...f, name: 'Office 2', maxSize: '6', users: [], groups: [{ id: 'g1', name: 'Staff' }] });

    const outcome = await saveEdit(adminClient(null), original, plan);

    expect(outcome).toEqual({ kind: 'done', poolId: 'p1', saved: ['settings and session policy', 'sizing', 'the entitlements'] });
    expect(calls.map((c) => `${c.method} ${pathOf(c.url)} ${c.headers['If-Match'] ?? ''}`.trim())).toEqual([
      'PATCH /api/v1/admin/pools/p1 "4"',
      'PUT /api/v1/admin/pools/p1/provisioning "7"',
      'POST /api/v1/admin/pools/p1/entitlements',
      'DELETE /api/v1/admin/pools/p1/entitlements/e1',
    ]);
    expect(calls[0].body).toEqual({ name: 'Office 2' });
    expect(calls[1].body).toEqual({ maxSize: 6 });
  });

  it('stops when another admin saved a part first, and says which parts were saved before it', async () => {
    const calls = fakeBroker((c) =>
      pathOf(c.url).endsWith('/provisioning')
        ? { status: 412, body: { reason: 'STALE_VERSION', objectType: 'Pool provisioning', currentETag: '"8"' } }
        : { body: {}, headers: { ETag: '"5"' } },
    );
    const f = formFrom(original);
    const outcome = await saveEdit(adminClient(null), original, editPlan(original, { ...f, name: 'Office 2', maxSize: '6', groups: [{ id: 'g1', name: 'Staff' }] }));

    expect(outcome).toMatchObject({ kind: 'stale', part: 'the pool’s sizing', saved: ['settings and session policy'] });
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('provisions a pool with the version "0" of settings it does not have yet', async () => {
    const calls = fakeBroker(() => ({ body: {}, headers: { ETag: '"1"' } }));
    const registered = { ...original, provisioning: null, provisioningETag: null };
    const f = formFrom(registered);
    await saveEdit(adminClient(null), registered, editPlan(registered, { ...f, managed: true, imageMode: 'publish', newImageLabel: 'v1', goldenDiskPath: '/g' }));

    expect(calls.map((c) => `${c.method} ${pathOf(c.url)} ${c.headers['If-Match'] ?? ''}`.trim())).toEqual([
      'PUT /api/v1/admin/pools/p1/provisioning "0"',
      'POST /api/v1/admin/pools/p1/images',
    ]);
    expect(calls[1].body).toEqual({ label: 'v1', goldenDiskPath: '/g', makeCurrent: true });
  });

  it('stops at a refused licence and names what was saved and what was not', async () => {
    fakeBroker((c) =>
      pathOf(c.url).includes('/licence-products/')
        ? { status: 503, body: { reason: 'LICENCE_EXHAUSTED', needed: 5, productName: 'VDA', seats: 2, seatsInUse: 2 } }
        : { body: {}, headers: { ETag: '"5"' } },
    );
    const f = formFrom(original);
    const outcome = await saveEdit(adminClient(null), original, editPlan(original, { ...f, recordSessions: true, products: [{ id: 'l2', name: 'VDA', model: 'PER_DESKTOP' }] }));

    expect(outcome).toMatchObject({ kind: 'refused', part: 'the licences', saved: ['settings and session policy'] });
    expect(outcome.kind === 'refused' && outcome.problem.title).toBe('Not enough licence seats');
  });
});
