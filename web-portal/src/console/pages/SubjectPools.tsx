import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Content, List, ListItem, Spinner } from '@patternfly/react-core';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert } from '../controls';
import { useNames } from '../names';
import { KIND_WORDS } from '../words';
import type { PoolKind } from '../../api/types';

/** An entitlement seen from its user's or group's side (GET /users/{id}/pools, /groups/{id}/pools). */
export interface SubjectEntitlement {
  entitlementId: string;
  poolId: string;
  poolName: string;
  poolKind: PoolKind;
  poolEnabled: boolean;
  groupId: string | null;
  createdAt: string;
}

const SHOWN = 50;

/** How one entitlement reads: "directly" or "through <group>" (for a user), with the pool's state. */
export function entitlementWords(e: SubjectEntitlement, groupNames: Record<string, string>, forUser: boolean): string {
  const how = !forUser ? '' : e.groupId ? ` — through the group ${groupNames[e.groupId] ?? e.groupId}` : ' — directly';
  return `${KIND_WORDS[e.poolKind] ?? e.poolKind}${e.poolEnabled ? '' : ', disabled'}${how}`;
}

/**
 * The pools a user (directly and through their groups) or a group may use, each linked to its page: entitlements seen
 * from the other side than the pool's page shows them.
 */
export function SubjectPools({ kind, id }: { kind: 'users' | 'groups'; id: string }) {
  const { client } = useConsole();
  const [rows, setRows] = useState<SubjectEntitlement[] | null>(null);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  useEffect(() => {
    let live = true;
    client
      .page<SubjectEntitlement>(`/api/v1/admin/${kind}/${encodeURIComponent(id)}/pools?sort=poolName&limit=${SHOWN}`)
      .then((p) => {
        if (live) {
          setRows(p.rows);
          setMore(p.next !== null);
        }
      })
      .catch((err) => live && setProblem(humanError(err, 'admin')));
    return () => {
      live = false;
    };
  }, [client, kind, id]);
  const groupNames = useNames(client, 'groups', rows?.map((r) => r.groupId) ?? []);
  const headingId = `${kind}-${id}-pools`;
  return (
    <section aria-labelledby={headingId}>
      <Content component="h3" id={headingId}>
        Pools {kind === 'users' ? 'this user may use' : 'this group opens'}
      </Content>
      <ProblemAlert problem={problem} />
      {rows === null && !problem && <Spinner size="md" aria-label="Loading the pools" />}
      {rows !== null && rows.length === 0 && (
        <Content component="p" data-testid="subject-pools-empty">
          {kind === 'users'
            ? 'None yet: entitle the user, or a group of theirs, on a pool’s page.'
            : 'None yet: entitle the group on a pool’s page.'}
        </Content>
      )}
      {rows !== null && rows.length > 0 && (
        <List data-testid="subject-pools">
          {rows.map((e) => (
            <ListItem key={e.entitlementId}>
              <Link to={`/console/pools/${e.poolId}`}>{e.poolName}</Link> <span className="dp-secondary">{entitlementWords(e, groupNames, kind === 'users')}</span>
            </ListItem>
          ))}
        </List>
      )}
      {more && <Content component="p">The first {SHOWN} are shown, by name.</Content>}
    </section>
  );
}
