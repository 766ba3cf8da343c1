import {
  desktopActions,
  emptyRegistration,
  registrationBody,
  registrationOutcome,
  registrationProblems,
  removalWords,
  taskOutcome,
  type ProvisioningTask,
  type RegisteredDesktop,
} from './desktopLogic';

const form = (p: Partial<ReturnType<typeof emptyRegistration>> = {}) => ({ ...emptyRegistration(), name: 'finance-07', consoleHost: '10.0.4.21', ...p });

describe('registering a desktop by its console address', () => {
  it('accepts a name, a host and a port, and says in words what is missing or wrong', () => {
    expect(registrationProblems(form())).toEqual({});
    expect(registrationProblems(form({ consoleHost: 'vdi-7.corp.example', consolePort: '5901' }))).toEqual({});
    expect(registrationProblems(form({ consoleHost: '[fd00::7]' }))).toEqual({});
    const bad = registrationProblems(form({ name: '  ', consoleHost: 'vnc://10.0.4.21:5900', consolePort: '70000' }));
    expect(Object.keys(bad).sort()).toEqual(['consoleHost', 'consolePort', 'name']);
    expect(bad.consoleHost).toContain('without a scheme or a port');
    expect(bad.consolePort).toContain('1 to 65,535');
    expect(registrationProblems(form({ consolePort: '59a0' })).consolePort).toBeDefined();
    expect(registrationProblems(form({ consolePassword: 'x'.repeat(257) })).consolePassword).toBe('At most 256 characters.');
  });

  it('sends the trimmed form; an empty password is no password', () => {
    expect(registrationBody(form({ name: ' finance-07 ', consolePort: ' 5901 ' }))).toEqual({
      name: 'finance-07',
      consoleHost: '10.0.4.21',
      consolePort: 5901,
      consolePassword: null,
      state: 'READY',
    });
    expect(registrationBody(form({ consolePassword: ' keep spaces ', state: 'MAINTENANCE' }))).toMatchObject({ consolePassword: ' keep spaces ', state: 'MAINTENANCE' });
  });

  const registered = (check: RegisteredDesktop['consoleCheck'], usable: boolean): RegisteredDesktop =>
    ({ id: 'd1', name: 'finance-07', state: usable ? 'READY' : 'FAILED', consoleCheck: check, desktopUsable: usable }) as RegisteredDesktop;
  const at = '2026-12-06T10:00:00Z';

  it('tells what the console check found and what happens to the desktop', () => {
    const ok = registrationOutcome(registered({ result: 'REACHABLE', rfbVersion: '3.8', width: 1024, height: 768, desktopName: 'x11', detail: null, checkedAt: at }, true));
    expect(ok.variant).toBe('success');
    expect(ok.body).toBe('Its console answered: a VNC server “x11” (RFB 3.8, 1024×768) accepted the password. Entitled users can be given it now.');

    const wrong = registrationOutcome(registered({ result: 'AUTHENTICATION_FAILED', rfbVersion: null, width: null, height: null, desktopName: null, detail: 'VNC authentication failed', checkedAt: at }, false));
    expect(wrong.variant).toBe('warning');
    expect(wrong.title).toBe('Registered “finance-07”, but not handed to users');
    expect(wrong.body).toContain('the VNC server refused the password, or wants one and none was given (VNC authentication failed)');

    const unchecked = registrationOutcome(registered({ result: 'NOT_CHECKED', rfbVersion: null, width: null, height: null, desktopName: null, detail: 'the check is switched off', checkedAt: at }, true));
    expect(unchecked.variant).toBe('info');
    expect(unchecked.body).toContain('not checked (the check is switched off)');
    expect(registrationOutcome({ ...registered(null, false), state: 'MAINTENANCE' }).body).toContain('stays in maintenance');
  });
});

describe('what a desktop offers in its state', () => {
  const ids = (state: string, managed: boolean, kind: 'POOLED' | 'PERSISTENT' = 'POOLED') =>
    desktopActions({ state: state as never, managed }, kind).map((a) => a.id);

  it('follows the broker’s moves: maintenance from ready, stopped or failed; back to service; refresh only for provisioned pooled desktops', () => {
    expect(ids('READY', true)).toEqual(['maintenance', 'refresh', 'remove']);
    expect(ids('READY', true, 'PERSISTENT')).toEqual(['maintenance', 'remove']);
    expect(ids('READY', false)).toEqual(['maintenance', 'remove']);
    expect(ids('MAINTENANCE', false)).toEqual(['ready', 'remove']);
    expect(ids('FAILED', true)).toEqual(['maintenance', 'ready', 'remove']);
    expect(ids('STOPPED', false)).toEqual(['maintenance', 'ready', 'remove']);
    expect(ids('STOPPED', true)).toEqual(['maintenance', 'refresh', 'remove']);
    expect(ids('IN_USE', true)).toEqual(['remove']);
    expect(ids('DELETING', true)).toEqual([]);
  });

  it('says what removing does to a session and to the machine', () => {
    expect(removalWords({ name: 'a', state: 'IN_USE', managed: true })).toBe(
      'The session on it ends first (its user is disconnected). Its virtual machine and disk are deleted from the hypervisor.',
    );
    expect(removalWords({ name: 'a', state: 'READY', managed: false })).toContain('The machine itself is not touched');
  });
});

describe('a desktop’s provisioning history', () => {
  const task = (p: Partial<ProvisioningTask>): ProvisioningTask => ({
    id: 't', type: 'CREATE', reason: null, state: 'SUCCEEDED', attempts: 1, maxAttempts: 3, errorReason: null, errorDetail: null,
    createdAt: '2026-12-06T10:00:00Z', startedAt: null, finishedAt: null, nextAttemptAt: null, ...p,
  });
  it('says how each task went', () => {
    expect(taskOutcome(task({}))).toBe('done');
    expect(taskOutcome(task({ attempts: 2 }))).toBe('done after 2 attempts');
    expect(taskOutcome(task({ state: 'RUNNING', attempts: 1 }))).toBe('running (attempt 1 of 3)');
    expect(taskOutcome(task({ state: 'PENDING', attempts: 0 }))).toBe('queued');
    expect(taskOutcome(task({ state: 'PENDING', attempts: 1 }))).toBe('waiting to try again (1 of 3 attempts made)');
    expect(taskOutcome(task({ state: 'FAILED', attempts: 3, errorReason: 'HYPERVISOR_ERROR' }))).toBe('failed after 3 attempts: HYPERVISOR_ERROR');
    expect(taskOutcome(task({ state: 'CANCELLED' }))).toBe('cancelled (no longer needed)');
  });
});
