import { useEffect, useState, type FormEvent } from 'react';
import {
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
  Switch,
  TextArea,
  TextInput,
} from '@patternfly/react-core';

import { useAuth } from '../../auth';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { FieldError, ProblemAlert, StaleAlert, TextField } from '../controls';
import { ROLES, type AdminGroup, type AdminUser, type Role } from '../adminTypes';
import { changedMembers, fieldErrors as readFieldErrors } from '../editFlow';
import { forgetName } from '../names';
import { isPlatformAdmin } from '../roles';
import { useVersionedEdit } from '../useVersionedEdit';
import { ROLE_WORDS } from '../words';
import { ApiError } from '../../api/http';
import { SubjectPools } from './SubjectPools';
import { MIN_PASSWORD_LENGTH } from '../../account/passwordChange';

interface UserValues {
  username: string;
  displayName: string;
  email: string;
  password: string;
  roles: Role[];
  enabled: boolean;
}

const blankUser: UserValues = { username: '', displayName: '', email: '', password: '', roles: ['USER'], enabled: true };

const fromUser = (u: AdminUser): UserValues => ({
  username: u.username,
  displayName: u.displayName ?? '',
  email: u.email ?? '',
  password: '',
  roles: [...u.roles],
  enabled: u.enabled,
});

function UserFields({ values, set, errors, creating }: { values: UserValues; set(v: UserValues): void; errors: Record<string, string>; creating: boolean }) {
  const { user } = useAuth();
  const grantable = ROLES.filter((r) => r !== 'PLATFORM_ADMIN' || isPlatformAdmin(user));
  const text = (name: keyof UserValues, label: string, opts: { type?: 'text' | 'email' | 'password'; required?: boolean; help?: string; autoComplete?: string } = {}) => (
    <TextField id={`user-${name}`} label={label} value={values[name] as string} onChange={(v) => set({ ...values, [name]: v })} error={errors[name]} {...opts} />
  );
  return (
    <>
      {creating && text('username', 'Username', { required: true, help: 'Letters, digits and . _ @ -; cannot be changed later.' })}
      {text('displayName', 'Display name')}
      {text('email', 'E-mail address', { type: 'email' })}
      {text('password', creating ? 'Password' : 'New password', {
        type: 'password',
        required: creating,
        autoComplete: 'new-password',
        help: creating ? `${user?.passwordMinLength ?? MIN_PASSWORD_LENGTH} to 200 characters; not a common password, not the user name.` : 'Leave empty to keep the password. A new one signs the user out everywhere.',
      })}
      <FormGroup role="group" isStack label="Roles" fieldId="user-roles">
        {grantable.map((r) => (
          <Checkbox
            key={r}
            id={`user-role-${r}`}
            label={ROLE_WORDS[r]}
            isChecked={values.roles.includes(r)}
            onChange={(_e, on) => set({ ...values, roles: on ? [...values.roles, r] : values.roles.filter((x) => x !== r) })}
          />
        ))}
        <FieldError id="user-roles-error" message={errors.roles} />
      </FormGroup>
      {!creating && (
        <FormGroup label="Sign-in" fieldId="user-enabled">
          <Switch
            id="user-enabled"
            label="May sign in"
            isChecked={values.enabled}
            onChange={(_e, on) => set({ ...values, enabled: on })}
          />
          {!values.enabled && (
            <FormHelperText>
              <HelperText>
                <HelperTextItem variant="warning">Disabling signs the user out and disconnects their live sessions.</HelperTextItem>
              </HelperText>
            </FormHelperText>
          )}
        </FormGroup>
      )}
    </>
  );
}

/** Creates a user (POST /api/v1/admin/users). */
export function CreateUserModal({ onClose, onCreated }: { onClose(): void; onCreated(u: AdminUser): void }) {
  const { client } = useConsole();
  const [values, setValues] = useState<UserValues>(blankUser);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const created = await client.send<AdminUser>('POST', '/api/v1/admin/users', {
        username: values.username.trim(),
        displayName: values.displayName.trim() || undefined,
        email: values.email.trim() || undefined,
        password: values.password,
        roles: values.roles,
      });
      onCreated(created.value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="create-user-title">
      <ModalHeader title="New user" labelId="create-user-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        <Form id="create-user-form" onSubmit={(e) => void submit(e)}>
          <UserFields values={values} set={setValues} errors={errors} creating />
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="create-user-form" isLoading={busy} isDisabled={busy || !values.username || !values.password}>
          Create user
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/**
 * Edits a user from the version read when the dialog opened (If-Match): only the members changed are sent, and if
 * another admin saved first the broker refuses (412 STALE_VERSION); the dialog says so and offers their version.
 */
export function EditUserModal({ userId, onClose, onSaved }: { userId: string; onClose(): void; onSaved(u: AdminUser): void }) {
  const { client } = useConsole();
  const edit = useVersionedEdit<AdminUser>(`/api/v1/admin/users/${encodeURIComponent(userId)}`);
  const [values, setValues] = useState<UserValues | null>(null);
  useEffect(() => {
    if (edit.current && values === null) {
      setValues(fromUser(edit.current.value));
    }
  }, [edit.current, values]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!values || !edit.current) {
      return;
    }
    const before = fromUser(edit.current.value);
    const change: Partial<UserValues> = changedMembers(before, {
      displayName: values.displayName.trim(),
      email: values.email.trim(),
      roles: values.roles,
      enabled: values.enabled,
    });
    if (values.password) {
      change.password = values.password;
    }
    const saved = await edit.save(change);
    if (saved) {
      forgetName(client, 'users', saved.id);
      onSaved(saved);
    }
  };

  const reloadTheirs = async () => {
    const now = await edit.reload();
    if (now) {
      setValues(fromUser(now));
    }
  };

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="edit-user-title">
      <ModalHeader title={`Edit ${edit.current?.value.username ?? 'user'}`} labelId="edit-user-title" />
      <ModalBody>
        <ProblemAlert problem={edit.loadProblem} />
        {edit.stale && edit.saveProblem ? (
          <StaleAlert problem={edit.saveProblem} onReload={() => void reloadTheirs()} />
        ) : (
          <ProblemAlert problem={edit.saveProblem} />
        )}
        {!values && !edit.loadProblem && <Spinner aria-label="Loading the user" />}
        {values && (
          <Form id="edit-user-form" onSubmit={(e) => void submit(e)}>
            <UserFields values={values} set={setValues} errors={edit.fieldErrors} creating={false} />
          </Form>
        )}
        {values && <SubjectPools kind="users" id={userId} />}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="edit-user-form" isLoading={edit.saving} isDisabled={edit.saving || !values || edit.stale}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** Creates a group, or edits one with If-Match (groupId given). */
export function GroupModal({ groupId, onClose, onSaved }: { groupId: string | null; onClose(): void; onSaved(g: AdminGroup): void }) {
  const { client } = useConsole();
  const edit = useVersionedEdit<AdminGroup>(groupId ? `/api/v1/admin/groups/${encodeURIComponent(groupId)}` : null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [loaded, setLoaded] = useState(!groupId);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (groupId && edit.current && !loaded) {
      setName(edit.current.value.name);
      setDescription(edit.current.value.description ?? '');
      setLoaded(true);
    }
  }, [groupId, edit.current, loaded]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (groupId && edit.current) {
      const saved = await edit.save(
        changedMembers({ name: edit.current.value.name, description: edit.current.value.description ?? '' }, { name: name.trim(), description }),
      );
      if (saved) {
        forgetName(client, 'groups', saved.id);
        onSaved(saved);
      }
      return;
    }
    setBusy(true);
    try {
      onSaved((await client.send<AdminGroup>('POST', '/api/v1/admin/groups', { name: name.trim(), description: description || undefined })).value);
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };

  const allErrors = groupId ? edit.fieldErrors : errors;
  return (
    <Modal variant="small" isOpen onClose={onClose} aria-labelledby="group-title">
      <ModalHeader title={groupId ? 'Edit group' : 'New group'} labelId="group-title" />
      <ModalBody>
        <ProblemAlert problem={groupId ? edit.loadProblem : null} />
        {edit.stale && edit.saveProblem ? (
          <StaleAlert
            problem={edit.saveProblem}
            onReload={() =>
              void edit.reload().then((g) => {
                if (g) {
                  setName(g.name);
                  setDescription(g.description ?? '');
                }
              })
            }
          />
        ) : (
          <ProblemAlert problem={groupId ? edit.saveProblem : problem} />
        )}
        {!loaded ? (
          !edit.loadProblem && <Spinner aria-label="Loading the group" />
        ) : (
          <>
            <Form id="group-form" onSubmit={(e) => void submit(e)}>
              <FormGroup label="Name" isRequired fieldId="group-name">
                <TextInput id="group-name" isRequired value={name} onChange={(_e, v) => setName(v)} validated={allErrors.name ? 'error' : 'default'} aria-describedby={allErrors.name ? 'group-name-error' : undefined} />
                <FieldError id="group-name-error" message={allErrors.name} />
              </FormGroup>
              <FormGroup label="Description" fieldId="group-description">
                <TextArea id="group-description" value={description} onChange={(_e, v) => setDescription(v)} resizeOrientation="vertical" />
              </FormGroup>
            </Form>
            {groupId && <SubjectPools kind="groups" id={groupId} />}
          </>
        )}
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="group-form" isLoading={busy || edit.saving} isDisabled={busy || edit.saving || !name.trim() || edit.stale}>
          {groupId ? 'Save' : 'Create group'}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
