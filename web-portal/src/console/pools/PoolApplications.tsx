import { useCallback, useEffect, useState } from 'react';
import {
  ActionGroup,
  Button,
  Content,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Spinner,
  TextArea,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminPool } from '../adminTypes';
import { useConsole } from '../ConsoleContext';
import { ConfirmModal, FieldError, ProblemAlert, TextField } from '../controls';
import {
  EMPTY_FORM,
  bodyOf,
  formErrors,
  formOf,
  iconFileProblem,
  serverFieldErrors,
  type ApplicationForm,
  type PublishedApplication,
} from './applicationLogic';

/** What the form is doing: publishing a new application, or changing one (with the version it was read at). */
type Editing = { mode: 'new' } | { mode: 'edit'; app: PublishedApplication; etag: string | null };

/**
 * The applications published on a SHARED pool (RemoteApp-style): the pool's users launch each from the portal and get
 * only its window. Admins publish, change and unpublish; help desk reads.
 */
export function PoolApplications({ pool, admin }: { pool: AdminPool; admin: boolean }) {
  const { client } = useConsole();
  const base = `/api/v1/admin/pools/${encodeURIComponent(pool.id)}/applications`;
  const [apps, setApps] = useState<PublishedApplication[] | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [form, setForm] = useState<ApplicationForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<PublishedApplication | null>(null);

  const reload = useCallback(() => {
    client
      .get<PublishedApplication[]>(base)
      .then((r) => setApps(Array.isArray(r.value) ? r.value : []))
      .catch((e: unknown) => {
        setApps([]);
        setProblem(humanError(e, 'admin'));
      });
  }, [client, base]);

  useEffect(reload, [reload]);

  const startNew = () => {
    setEditing({ mode: 'new' });
    setForm(EMPTY_FORM);
    setErrors({});
    setProblem(null);
  };

  const startEdit = async (app: PublishedApplication) => {
    setProblem(null);
    try {
      const current = await client.get<PublishedApplication>(`/api/v1/admin/applications/${encodeURIComponent(app.id)}`);
      setEditing({ mode: 'edit', app: current.value, etag: current.etag });
      setForm(formOf(current.value));
      setErrors({});
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    }
  };

  const pickIcon = (file: File | undefined) => {
    if (!file) return;
    const refused = iconFileProblem(file);
    if (refused) {
      setErrors((e) => ({ ...e, icon: refused }));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      // the broker takes base64 data URLs; FileReader makes exactly that
      setForm((f) => ({ ...f, icon: String(reader.result) }));
      setErrors(({ icon: _gone, ...rest }) => rest);
    };
    reader.readAsDataURL(file);
  };

  const save = async () => {
    const own = formErrors(form);
    setErrors(own);
    if (Object.keys(own).length > 0 || !editing) return;
    setBusy(true);
    setProblem(null);
    try {
      if (editing.mode === 'new') {
        await client.send('POST', base, bodyOf(form));
      } else {
        await client.send('PUT', `/api/v1/admin/applications/${encodeURIComponent(editing.app.id)}`, bodyOf(form), editing.etag);
      }
      setEditing(null);
      reload();
    } catch (e) {
      setErrors(serverFieldErrors(e));
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  const unpublish = async (app: PublishedApplication) => {
    setBusy(true);
    try {
      await client.send('DELETE', `/api/v1/admin/applications/${encodeURIComponent(app.id)}`);
      setRemoving(null);
      reload();
    } catch (e) {
      setProblem(humanError(e, 'admin'));
    } finally {
      setBusy(false);
    }
  };

  if (apps === null) {
    return <Spinner size="md" aria-label="Loading published applications" />;
  }
  return (
    <>
      <Content component="p">
        Users entitled to this pool see these applications beside their desktops; each opens alone in the browser, in a
        session of this pool without a desktop. Several applications of one user share one session (and one licence seat).
      </Content>
      {!removing && <ProblemAlert problem={problem} testId="applications-problem" />}
      {apps.length === 0 ? (
        <Content component="p" data-testid="no-applications">
          No application is published on this pool{admin ? ': publish one to let users open it without a desktop.' : '.'}
        </Content>
      ) : (
        <Table aria-label="Published applications" variant="compact">
          <Thead>
            <Tr>
              <Th>Application</Th>
              <Th>Command</Th>
              {admin && <Th screenReaderText="Actions" />}
            </Tr>
          </Thead>
          <Tbody>
            {apps.map((a) => (
              <Tr key={a.id}>
                <Td dataLabel="Application">
                  {a.icon && <img src={a.icon} alt="" width={20} height={20} className="pf-v6-u-mr-sm" />}
                  {a.name}
                </Td>
                <Td dataLabel="Command">
                  <code>{[a.command, ...a.arguments].join(' ')}</code>
                </Td>
                {admin && (
                  <Td isActionCell>
                    <Button variant="link" isInline onClick={() => void startEdit(a)} aria-label={`Edit ${a.name}`}>
                      Edit
                    </Button>{' '}
                    <Button variant="link" isInline isDanger onClick={() => setRemoving(a)} aria-label={`Unpublish ${a.name}`}>
                      Unpublish
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {admin && !editing && (
        <Button variant="secondary" onClick={startNew} className="pf-v6-u-mt-sm">
          Publish an application
        </Button>
      )}
      {admin && editing && (
        <Form
          aria-label={editing.mode === 'new' ? 'Publish an application' : `Change ${editing.app.name}`}
          className="pf-v6-u-mt-md"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <TextField id="app-name" label="Name" required value={form.name} onChange={(v) => setForm({ ...form, name: v })} error={errors.name} help="What users see on the tile." />
          <TextField
            id="app-command"
            label="Program"
            required
            value={form.command}
            onChange={(v) => setForm({ ...form, command: v })}
            error={errors.command}
            help="A path or a program name on the session host, run without a shell."
          />
          <FormGroup label="Arguments" fieldId="app-arguments">
            <TextArea
              id="app-arguments"
              value={form.arguments}
              onChange={(_e, v) => setForm({ ...form, arguments: v })}
              resizeOrientation="vertical"
              aria-describedby={errors.arguments ? 'app-arguments-error' : 'app-arguments-help'}
              validated={errors.arguments ? 'error' : 'default'}
            />
            {errors.arguments ? (
              <FieldError id="app-arguments-error" message={errors.arguments} />
            ) : (
              <FormHelperText>
                <HelperText id="app-arguments-help">
                  <HelperTextItem>One argument per line, passed as it is.</HelperTextItem>
                </HelperText>
              </FormHelperText>
            )}
          </FormGroup>
          <TextField
            id="app-directory"
            label="Working directory"
            value={form.workingDirectory}
            onChange={(v) => setForm({ ...form, workingDirectory: v })}
            error={errors.workingDirectory}
            help="Optional; the user's home folder when empty."
          />
          <FormGroup label="Icon" fieldId="app-icon">
            <input
              id="app-icon"
              type="file"
              accept="image/png,image/svg+xml"
              aria-describedby={errors.icon ? 'app-icon-error' : 'app-icon-help'}
              onChange={(e) => pickIcon(e.target.files?.[0])}
            />
            {form.icon && (
              <>
                <img src={form.icon} alt="The application's icon" width={32} height={32} className="pf-v6-u-ml-sm" data-testid="app-icon-preview" />
                <Button variant="link" isInline onClick={() => setForm({ ...form, icon: null })}>
                  Remove the icon
                </Button>
              </>
            )}
            {errors.icon ? (
              <FieldError id="app-icon-error" message={errors.icon} />
            ) : (
              <FormHelperText>
                <HelperText id="app-icon-help">
                  <HelperTextItem>A PNG or SVG image of at most 48 KiB.</HelperTextItem>
                </HelperText>
              </FormHelperText>
            )}
          </FormGroup>
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy}>
              {editing.mode === 'new' ? 'Publish' : 'Save'}
            </Button>
            <Button variant="link" onClick={() => setEditing(null)}>
              Cancel
            </Button>
          </ActionGroup>
        </Form>
      )}
      {removing && (
        <ConfirmModal
          title={`Unpublish ${removing.name}?`}
          confirmLabel="Unpublish"
          busy={busy}
          problem={problem}
          onConfirm={() => void unpublish(removing)}
          onCancel={() => setRemoving(null)}
        >
          Users no longer see or open {removing.name}. Windows of it that are open stay open until they are closed.
        </ConfirmModal>
      )}
    </>
  );
}
