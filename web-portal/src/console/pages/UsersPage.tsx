import { useState } from 'react';
import { Alert, AlertActionCloseButton, Button, Content, Label, LabelGroup, PageSection, Tab, TabTitleText, Tabs, Title, ToolbarItem } from '@patternfly/react-core';
import { Link, useSearchParams } from 'react-router-dom';

import { useAuth } from '../../auth';
import { ConsoleList, useConsoleList, type FilterKey } from '../ConsoleList';
import type { Column } from '../PagedTable';
import { SelectFilter, TextFilter, When } from '../controls';
import { ROLES, type AdminGroup, type AdminUser } from '../adminTypes';
import { canAdminister } from '../roles';
import { ROLE_WORDS } from '../words';
import { CreateUserModal, EditUserModal, GroupModal } from './UserForms';

const USER_FILTERS = ['q', 'role', 'enabled'] as const;
const GROUP_FILTERS = ['q'] as const;

function UsersTab({ admin, notify }: { admin: boolean; notify(s: string): void }) {
  const state = useConsoleList<AdminUser, FilterKey<typeof USER_FILTERS>>('/api/v1/admin/users', USER_FILTERS, 'username');
  const { filters: f, list } = state;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);

  const columns: Column<AdminUser>[] = [
    { title: 'Username', sortKey: 'username', render: (u) => u.username },
    { title: 'Name', sortKey: 'displayName', render: (u) => u.displayName ?? '—' },
    { title: 'E-mail', render: (u) => u.email ?? '—' },
    {
      title: 'Roles',
      render: (u) => (
        <LabelGroup numLabels={4}>
          {u.roles.map((r) => (
            <Label key={r} isCompact>
              {ROLE_WORDS[r] ?? r}
            </Label>
          ))}
        </LabelGroup>
      ),
    },
    { title: 'Sign-in', render: (u) => (u.enabled ? 'Allowed' : <Label color="grey">Disabled</Label>) },
    { title: 'Created', sortKey: 'createdAt', render: (u) => <When at={u.createdAt} /> },
    { title: 'Sessions', render: (u) => <Link to={`/console/sessions?userId=${encodeURIComponent(u.id)}`} aria-label={`Sessions of ${u.username}`}>Sessions</Link> },
  ];

  return (
    <>
      <ConsoleList
        state={state}
        label="Users"
        columns={columns}
        rowKey={(u) => u.id}
        actions={
          admin
            ? (u) => (
                <Button variant="secondary" size="sm" onClick={() => setEditing(u.id)} aria-label={`Edit ${u.username}`}>
                  Edit
                </Button>
              )
            : undefined
        }
        toolbar={
          <>
            <TextFilter label="Search users by username, name or e-mail" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Username, name or e-mail" />
            <SelectFilter id="users-role" label="Role" value={f.filters.role} onChange={(v) => f.setFilter('role', v)} options={ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }))} />
            <SelectFilter
              id="users-enabled"
              label="Sign-in"
              value={f.filters.enabled}
              onChange={(v) => f.setFilter('enabled', v)}
              options={[
                { value: 'true', label: 'Allowed' },
                { value: 'false', label: 'Disabled' },
              ]}
            />
            {admin && (
              <ToolbarItem>
                <Button onClick={() => setCreating(true)}>New user</Button>
              </ToolbarItem>
            )}
          </>
        }
        empty={{
          title: 'No users yet',
          body: admin ? 'Create the first user, or import many at once with POST /api/v1/admin/users/import (CSV).' : 'A tenant admin creates users; they will be listed here.',
          action: admin ? <Button onClick={() => setCreating(true)}>New user</Button> : undefined,
        }}
      />
      {creating && (
        <CreateUserModal
          onClose={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            notify(`User ${u.username} was created.`);
            list.reload();
          }}
        />
      )}
      {editing && (
        <EditUserModal
          userId={editing}
          onClose={() => setEditing(null)}
          onSaved={(u) => {
            setEditing(null);
            notify(`User ${u.username} was saved.`);
            list.reload();
          }}
        />
      )}
    </>
  );
}

function GroupsTab({ admin, notify }: { admin: boolean; notify(s: string): void }) {
  const state = useConsoleList<AdminGroup, FilterKey<typeof GROUP_FILTERS>>('/api/v1/admin/groups', GROUP_FILTERS, 'name');
  const { filters: f, list } = state;
  const [open, setOpen] = useState<{ groupId: string | null } | null>(null);
  const columns: Column<AdminGroup>[] = [
    { title: 'Name', sortKey: 'name', render: (g) => g.name },
    { title: 'Description', render: (g) => g.description ?? '—' },
    { title: 'Members', render: (g) => g.memberIds?.length ?? 0 },
    { title: 'Created', sortKey: 'createdAt', render: (g) => <When at={g.createdAt} /> },
  ];
  return (
    <>
      <ConsoleList
        state={state}
        label="Groups"
        columns={columns}
        rowKey={(g) => g.id}
        actions={
          admin
            ? (g) => (
                <Button variant="secondary" size="sm" onClick={() => setOpen({ groupId: g.id })} aria-label={`Edit group ${g.name}`}>
                  Edit
                </Button>
              )
            : undefined
        }
        toolbar={
          <>
            <TextFilter label="Search groups by name or description" value={f.filters.q} onApply={(v) => f.setFilter('q', v)} placeholder="Name or description" />
            {admin && (
              <ToolbarItem>
                <Button onClick={() => setOpen({ groupId: null })}>New group</Button>
              </ToolbarItem>
            )}
          </>
        }
        empty={{
          title: 'No groups yet',
          body: admin ? 'Groups make entitlements easy: entitle a group to a pool once, and every member gets it.' : 'A tenant admin creates groups; they will be listed here.',
          action: admin ? <Button onClick={() => setOpen({ groupId: null })}>New group</Button> : undefined,
        }}
      />
      {open && (
        <GroupModal
          groupId={open.groupId}
          onClose={() => setOpen(null)}
          onSaved={(g) => {
            setOpen(null);
            notify(open.groupId ? `Group ${g.name} was saved.` : `Group ${g.name} was created.`);
            list.reload();
          }}
        />
      )}
    </>
  );
}

/** Users and groups of the tenant: lists for everyone in the console, create and edit for admins. */
export function UsersPage() {
  const { user } = useAuth();
  const admin = canAdminister(user);
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'groups' ? 'groups' : 'users';
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <PageSection>
      <Title headingLevel="h1">Users and groups</Title>
      <Content component="p" className="dp-secondary">
        {admin
          ? 'Accounts of this organisation. Changes are saved only over the version you opened: if another admin saved first, you are told and nothing is overwritten.'
          : 'Accounts of this organisation (read only for help desk).'}
      </Content>
      {notice && (
        <Alert variant="success" isInline title={notice} aria-live="polite" className="pf-v6-u-mb-md" actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />} />
      )}
      <Tabs
        activeKey={tab}
        onSelect={(_e, key) => {
          setNotice(null);
          setParams(key === 'groups' ? { tab: 'groups' } : {}, { replace: true });
        }}
        aria-label="Users or groups"
      >
        <Tab eventKey="users" title={<TabTitleText>Users</TabTitleText>}>
          {tab === 'users' && <UsersTab admin={admin} notify={setNotice} />}
        </Tab>
        <Tab eventKey="groups" title={<TabTitleText>Groups</TabTitleText>}>
          {tab === 'groups' && <GroupsTab admin={admin} notify={setNotice} />}
        </Tab>
      </Tabs>
    </PageSection>
  );
}
