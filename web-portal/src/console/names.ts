import { useEffect, useState } from 'react';

import type { AdminClient } from './adminApi';
import type { AdminDesktop, Entitlement } from './adminTypes';

/** What an id names, for the lists that only carry ids (entitlements, desktops' owners, audit objects, usage). */
export type NameKind = 'users' | 'groups' | 'pools' | 'licence-products';

const cache = new Map<string, string>();
const key = (client: AdminClient, kind: NameKind, id: string) => `${client.tenantId ?? ''}/${kind}/${id}`;

function nameOf(kind: NameKind, body: Record<string, unknown>): string {
  const v = kind === 'users' ? body.displayName || body.username : body.name;
  return typeof v === 'string' && v ? v : '';
}

/**
 * Names for ids shown on a page (one GET per id not seen before in this tenant, at most a page's worth); an id
 * that cannot be read stays shown as "unknown" rather than failing the page.
 */
export function useNames(client: AdminClient, kind: NameKind, ids: ReadonlyArray<string | null | undefined>): Record<string, string> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))].sort();
  const signature = wanted.join(',');
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    const known: Record<string, string> = {};
    const missing: string[] = [];
    for (const id of wanted) {
      const k = cache.get(key(client, kind, id));
      if (k !== undefined) {
        known[id] = k;
      } else {
        missing.push(id);
      }
    }
    setNames(known);
    Promise.all(
      missing.map((id) =>
        client
          .get<Record<string, unknown>>(`/api/v1/admin/${kind}/${encodeURIComponent(id)}`)
          .then((r) => {
            const n = nameOf(kind, r.value);
            cache.set(key(client, kind, id), n || 'unknown');
            return [id, n || 'unknown'] as const;
          })
          .catch(() => [id, 'unknown'] as const),
      ),
    ).then((found) => {
      if (live && found.length) {
        setNames((n) => ({ ...n, ...Object.fromEntries(found) }));
      }
    });
    return () => {
      live = false;
    };
    // the ids are compared by value
  }, [client, kind, signature]);
  return names;
}

/** Forget the names (after an edit renamed something). */
export function forgetName(client: AdminClient, kind: NameKind, id: string) {
  cache.delete(key(client, kind, id));
}

/**
 * Who a desktop is assigned to, from the names the broker lists with it (a page of desktops needs no request per
 * user): the display name, else the username, "—" when nobody is assigned.
 */
export function assignedUserWords(d: Pick<AdminDesktop, 'assignedUserId' | 'assignedUsername' | 'assignedUserDisplayName'>): string {
  if (!d.assignedUserId) {
    return '—';
  }
  return d.assignedUserDisplayName || d.assignedUsername || 'unknown';
}

/** Whom an entitlement entitles, in words, from the names the broker lists with it: "User Alice", "Group Staff". */
export function entitledWords(e: Pick<Entitlement, 'userId' | 'groupId' | 'username' | 'userDisplayName' | 'groupName'>): string {
  if (e.userId) {
    return `User ${e.userDisplayName || e.username || 'unknown'}`;
  }
  return e.groupId ? `Group ${e.groupName || 'unknown'}` : '—';
}
