import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { pathOf, renderApp, resetBetweenTests, type Answer, type Call } from '../testConsole';
import { bodyOf, formErrors, iconFileProblem, serverFieldErrors } from './applicationLogic';
import { ApiError } from '../../api/http';

resetBetweenTests();

const pool = {
  id: 'p1',
  name: 'Office apps',
  description: '',
  kind: 'SHARED',
  enabled: true,
  loadBalancing: 'BREADTH_FIRST',
  idleTimeoutSeconds: null,
  idleAction: 'DISCONNECT',
  disconnectTimeoutSeconds: 900,
  maxSessionSeconds: null,
  recordSessions: false,
  createdAt: '2026-12-01T10:00:00Z',
  updatedAt: '2026-12-01T10:00:00Z',
};
const terminal = {
  id: 'a1',
  poolId: 'p1',
  name: 'Terminal',
  command: 'xterm',
  arguments: ['-T', 'work'],
  workingDirectory: null,
  icon: null,
  createdAt: '2026-12-06T10:00:00Z',
  updatedAt: '2026-12-06T10:00:00Z',
};

function broker(extra: (c: Call) => Answer | undefined) {
  return (c: Call): Answer | undefined => {
    const p = pathOf(c.url);
    if (p === '/api/v1/admin/pools/p1') return { body: pool, headers: { ETag: '"1"' } };
    if (p === '/api/v1/admin/pools/p1/provisioning') return { status: 409, body: { reason: 'INVALID_STATE', detail: 'a shared pool' } };
    return extra(c) ?? (p.startsWith('/api/v1/admin/') ? { body: [] } : undefined);
  };
}

describe('a shared pool’s published applications', () => {
  it('publishes an application from the form: the request, then the list again', async () => {
    let listed: unknown[] = [];
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], broker((c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/pools/p1/applications' && c.method === 'POST') {
        listed = [terminal];
        return { status: 201, body: terminal, headers: { ETag: '"1"' } };
      }
      if (p === '/api/v1/admin/pools/p1/applications') return { body: listed };
      return undefined;
    }));
    const section = await screen.findByRole('region', { name: 'Published applications' });
    expect(await within(section).findByTestId('no-applications')).toBeInTheDocument();

    await userEvent.click(within(section).getByRole('button', { name: 'Publish an application' }));
    await userEvent.click(within(section).getByRole('button', { name: 'Publish' }));
    expect(within(section).getByText('Give the application a name users recognise.')).toBeInTheDocument();
    await userEvent.type(within(section).getByLabelText(/^Name/), 'Terminal');
    await userEvent.type(within(section).getByLabelText(/^Program/), 'xterm');
    await userEvent.type(within(section).getByLabelText('Arguments'), '-T{enter}work{enter}');
    await userEvent.click(within(section).getByRole('button', { name: 'Publish' }));

    expect(await within(section).findByRole('cell', { name: 'Terminal' })).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST' && pathOf(c.url) === '/api/v1/admin/pools/p1/applications');
    expect(post?.body).toEqual({ name: 'Terminal', command: 'xterm', arguments: ['-T', 'work'], workingDirectory: null, icon: null });
  });

  it('changes an application with the version it read, and shows the broker’s refusal under the field', async () => {
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], broker((c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/applications/a1' && c.method === 'GET') return { body: terminal, headers: { ETag: '"4"' } };
      if (p === '/api/v1/admin/applications/a1' && c.method === 'PUT') {
        return {
          status: 400,
          body: { reason: 'VALIDATION_FAILED', detail: 'workingDirectory: must be an absolute path', errors: [{ field: 'workingDirectory', message: "must be an absolute path without '..'" }] },
        };
      }
      if (p === '/api/v1/admin/pools/p1/applications') return { body: [terminal] };
      return undefined;
    }));
    const section = await screen.findByRole('region', { name: 'Published applications' });

    await userEvent.click(await within(section).findByRole('button', { name: 'Edit Terminal' }));
    const directory = within(section).getByLabelText('Working directory');
    await userEvent.type(directory, '/srv/../etc');
    await userEvent.click(within(section).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(section.querySelector('#app-directory-error')).toHaveTextContent(/must be an absolute path without/));
    expect(within(section).getByLabelText('Working directory')).toHaveAttribute('aria-invalid', 'true');
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.headers['If-Match']).toBe('"4"');
    expect((put?.body as { arguments: string[] }).arguments).toEqual(['-T', 'work']);
  });

  it('unpublishes after asking', async () => {
    let listed: unknown[] = [terminal];
    const calls = renderApp('/console/pools/p1', ['TENANT_ADMIN'], broker((c) => {
      const p = pathOf(c.url);
      if (p === '/api/v1/admin/applications/a1' && c.method === 'DELETE') {
        listed = [];
        return { status: 204 };
      }
      if (p === '/api/v1/admin/pools/p1/applications') return { body: listed };
      return undefined;
    }));
    const section = await screen.findByRole('region', { name: 'Published applications' });

    await userEvent.click(await within(section).findByRole('button', { name: 'Unpublish Terminal' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Unpublish' }));

    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && pathOf(c.url) === '/api/v1/admin/applications/a1')).toBe(true));
    expect(await within(section).findByTestId('no-applications')).toBeInTheDocument();
  });

  it('lets help desk read the applications without changing them', async () => {
    renderApp('/console/pools/p1', ['HELPDESK'], broker((c) => (pathOf(c.url) === '/api/v1/admin/pools/p1/applications' ? { body: [terminal] } : undefined)));
    const section = await screen.findByRole('region', { name: 'Published applications' });
    expect(await within(section).findByText('xterm -T work')).toBeInTheDocument();
    expect(within(section).queryByRole('button', { name: 'Publish an application' })).not.toBeInTheDocument();
    expect(within(section).queryByRole('button', { name: 'Edit Terminal' })).not.toBeInTheDocument();
  });
});

describe('the application form’s logic', () => {
  it('checks what it can before the broker does', () => {
    expect(formErrors({ name: ' ', command: '', arguments: '', workingDirectory: 'tmp', icon: null })).toEqual({
      name: 'Give the application a name users recognise.',
      command: 'Name the program to run, e.g. /usr/bin/libreoffice.',
      workingDirectory: 'An absolute path, starting with /.',
    });
    expect(bodyOf({ name: ' T ', command: ' xterm ', arguments: '-e\n\n top \n', workingDirectory: ' ', icon: null })).toEqual({
      name: 'T', command: 'xterm', arguments: ['-e', 'top'], workingDirectory: null, icon: null,
    });
  });

  it('takes PNG and SVG icons of at most 48 KiB', () => {
    expect(iconFileProblem({ name: 'a.png', type: 'image/png', size: 2000 })).toBeNull();
    expect(iconFileProblem({ name: 'a.svg', type: 'image/svg+xml', size: 49_152 })).toBeNull();
    expect(iconFileProblem({ name: 'a.gif', type: 'image/gif', size: 10 })).toMatch(/not a PNG or SVG/);
    expect(iconFileProblem({ name: 'big.png', type: 'image/png', size: 49_153 })).toMatch(/at most 48 KiB/);
  });

  it('maps the broker’s field errors to the form’s fields', () => {
    const e = new ApiError(400, { reason: 'VALIDATION_FAILED', errors: [{ field: 'arguments[2]', message: 'must be one line of text' }, { field: 'icon', message: 'is not a PNG image' }] });
    expect(serverFieldErrors(e)).toEqual({
      arguments: 'The broker refused it: must be one line of text.',
      icon: 'The broker refused it: is not a PNG image.',
    });
    expect(serverFieldErrors(new Error('x'))).toEqual({});
  });
});
