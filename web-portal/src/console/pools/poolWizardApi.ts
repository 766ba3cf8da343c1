/**
 * The pool wizard's calls: the pool as it is now (each part with its version), a new pool in one call, and an
 * edit saved part by part — each versioned part with the If-Match of the version read, stopping at the first
 * refusal, and saying which parts were saved.
 */
import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminClient } from '../adminApi';
import type { AdminPool, Entitlement, PoolProvisioning } from '../adminTypes';
import { fieldErrors, saveVersioned } from '../editFlow';
import type { LicenceProduct } from '../licences/licenceTypes';
import { setupRequest, type EditPlan } from './poolChanges';
import type { PoolOriginal, ProductChoice, WizardForm } from './poolWizard';

const poolPath = (id: string) => `/api/v1/admin/pools/${encodeURIComponent(id)}`;

/** Every row of a list, following its `rel="next"` links (at most `max`). */
async function all<T>(client: AdminClient, url: string, max = 5000): Promise<T[]> {
  const rows: T[] = [];
  let next: string | null = url;
  while (next && rows.length < max) {
    const page: { rows: T[]; next: string | null } = await client.page<T>(next);
    rows.push(...page.rows);
    next = page.next;
  }
  return rows;
}

/** The pool as it is now: its settings, provisioning, licence products and entitlements, each with its version. */
export async function loadOriginal(client: AdminClient, poolId: string): Promise<PoolOriginal> {
  const pool = await client.get<AdminPool>(poolPath(poolId));
  let provisioning: { value: PoolProvisioning; etag: string | null } | null = null;
  if (pool.value.kind !== 'SHARED') {
    try {
      provisioning = await client.get<PoolProvisioning>(`${poolPath(poolId)}/provisioning`);
    } catch (e) {
      // a pool whose desktops are registered by address has no provisioning (the broker says INVALID_STATE)
      if (!(e instanceof ApiError && (e.reason === 'INVALID_STATE' || e.status === 404))) {
        throw e;
      }
    }
  }
  const [products, entitlements] = await Promise.all([
    all<LicenceProduct>(client, `${poolPath(poolId)}/licence-products?limit=1000`),
    all<Entitlement>(client, `${poolPath(poolId)}/entitlements?limit=1000`),
  ]);
  const names: Record<string, string> = {};
  await Promise.all(
    entitlements.map(async (e) => {
      const id = e.userId ?? e.groupId;
      if (!id) {
        return;
      }
      try {
        const r = await client.get<{ name?: string; username?: string; displayName?: string }>(
          `/api/v1/admin/${e.userId ? 'users' : 'groups'}/${encodeURIComponent(id)}`,
        );
        names[id] = r.value.displayName || r.value.username || r.value.name || 'unknown';
      } catch {
        names[id] = 'unknown';
      }
    }),
  );
  return {
    pool: pool.value,
    poolETag: pool.etag,
    provisioning: provisioning?.value ?? null,
    provisioningETag: provisioning ? provisioning.etag : null,
    products: products.map((p): ProductChoice => ({ id: p.id, name: p.name, model: p.model })),
    entitlements,
    names,
  };
}

/** The outcome of sending the wizard. */
export type WizardOutcome =
  | { kind: 'done'; poolId: string; saved: string[] }
  /** Another admin saved a versioned part first: nothing of that part (and after it) was saved. */
  | { kind: 'stale'; part: string; problem: HumanProblem; saved: string[] }
  | { kind: 'refused'; part: string; problem: HumanProblem; fieldErrors: Record<string, string>; fields: string[]; objectType?: string; saved: string[] };

function refusal(part: string, e: unknown, saved: string[]): WizardOutcome {
  const problem = e instanceof ApiError ? e.problem : undefined;
  const errors = fieldErrors(problem);
  const objectType = typeof problem?.objectType === 'string' ? problem.objectType : undefined;
  if (e instanceof ApiError && e.reason === 'STALE_VERSION') {
    return { kind: 'stale', part, problem: humanError(e, 'admin'), saved };
  }
  return { kind: 'refused', part, problem: humanError(e, 'admin'), fieldErrors: errors, fields: Object.keys(errors), objectType, saved };
}

/** A new pool, whole, in one call: a refusal leaves nothing behind. */
export async function createPool(client: AdminClient, f: WizardForm): Promise<WizardOutcome> {
  try {
    const r = await client.send<{ pool: AdminPool }>('POST', '/api/v1/admin/pools/setup', setupRequest(f));
    return { kind: 'done', poolId: r.value.pool.id, saved: ['the pool with everything it was given'] };
  } catch (e) {
    return refusal('the pool', e, []);
  }
}

/**
 * Saves an edit part by part, in the wizard's order: settings (If-Match of the pool read), provisioning (If-Match of
 * its settings read; "0" when the pool is provisioned now), image, licence products, entitlements. Stops at the
 * first refusal; the parts before it stay saved and are named.
 */
export async function saveEdit(client: AdminClient, o: PoolOriginal, plan: EditPlan): Promise<WizardOutcome> {
  const id = o.pool.id;
  const saved: string[] = [];
  if (plan.pool) {
    const r = await saveVersioned(client, 'PATCH', poolPath(id), o.poolETag, plan.pool);
    if (r.kind === 'stale') {
      return { kind: 'stale', part: 'the pool’s settings', problem: r.problem, saved };
    }
    if (r.kind === 'refused') {
      return { kind: 'refused', part: 'the pool’s settings', problem: r.problem, fieldErrors: r.fieldErrors, fields: Object.keys(r.fieldErrors), saved };
    }
    saved.push('settings and session policy');
  }
  if (plan.provisioning) {
    const r = await saveVersioned(client, 'PUT', `${poolPath(id)}/provisioning`, o.provisioning ? o.provisioningETag : '"0"', plan.provisioning);
    if (r.kind === 'stale') {
      return { kind: 'stale', part: 'the pool’s sizing', problem: r.problem, saved };
    }
    if (r.kind === 'refused') {
      return { kind: 'refused', part: 'the pool’s sizing', problem: r.problem, fieldErrors: r.fieldErrors, fields: Object.keys(r.fieldErrors).map((k) => `provisioning.${k}`), saved };
    }
    saved.push('sizing');
  }
  const steps: Array<[string, () => Promise<unknown>]> = [];
  if (plan.image && 'publish' in plan.image) {
    const body = { ...plan.image.publish, makeCurrent: true };
    steps.push(['the image', () => client.send('POST', `${poolPath(id)}/images`, body)]);
  } else if (plan.image) {
    const image = plan.image.current;
    steps.push(['the image', () => client.send('POST', `${poolPath(id)}/images/${encodeURIComponent(image)}/current`)]);
  }
  for (const p of plan.addProducts) {
    steps.push(['the licences', () => client.send('PUT', `${poolPath(id)}/licence-products/${encodeURIComponent(p)}`)]);
  }
  for (const p of plan.removeProducts) {
    steps.push(['the licences', () => client.send('DELETE', `${poolPath(id)}/licence-products/${encodeURIComponent(p)}`)]);
  }
  for (const u of plan.grantUsers) {
    steps.push(['the entitlements', () => client.send('POST', `${poolPath(id)}/entitlements`, { userId: u })]);
  }
  for (const g of plan.grantGroups) {
    steps.push(['the entitlements', () => client.send('POST', `${poolPath(id)}/entitlements`, { groupId: g })]);
  }
  for (const e of plan.revoke) {
    steps.push(['the entitlements', () => client.send('DELETE', `${poolPath(id)}/entitlements/${encodeURIComponent(e)}`)]);
  }
  for (const [part, call] of steps) {
    try {
      await call();
    } catch (e) {
      return refusal(part, e, saved);
    }
    if (!saved.includes(part)) {
      saved.push(part);
    }
  }
  return { kind: 'done', poolId: id, saved };
}
