import { canAdminister, consoleHome, consoleNav, isConsoleUser, landingRedirect, usesDesktops } from './roles';

const as = (...roles: string[]) => ({ roles });

describe('console roles', () => {
  it('opens the console to admins, help desk and the platform operator only', () => {
    expect(isConsoleUser(as('USER'))).toBe(false);
    expect(isConsoleUser(as('HELPDESK'))).toBe(true);
    expect(isConsoleUser(as('TENANT_ADMIN', 'USER'))).toBe(true);
    expect(isConsoleUser(as('PLATFORM_ADMIN'))).toBe(true);
    expect(isConsoleUser(null)).toBe(false);
  });

  it('lets help desk read and act on sessions, read hosts, and not see licences', () => {
    expect(canAdminister(as('HELPDESK'))).toBe(false);
    expect(consoleNav(as('HELPDESK')).map((n) => n.label)).toEqual(['Sessions', 'Dashboard', 'Pools', 'Hosts', 'Users and groups', 'Audit trail']);
    expect(consoleHome(as('HELPDESK'))).toBe('/console/sessions');
  });

  it('lands admins on the dashboard, and gives platform admins the tenants too', () => {
    expect(consoleNav(as('TENANT_ADMIN')).map((n) => n.path)).toEqual([
      '/console/dashboard',
      '/console/pools',
      '/console/sessions',
      '/console/hosts',
      '/console/licences',
      '/console/usage',
      '/console/webhooks',
      '/console/users',
      '/console/audit',
    ]);
    expect(consoleHome(as('TENANT_ADMIN'))).toBe('/console/dashboard');
    expect(consoleNav(as('PLATFORM_ADMIN')).slice(0, 2)).toEqual([
      { path: '/console/dashboard', label: 'Dashboard' },
      { path: '/console/tenants', label: 'Tenants' },
    ]);
    expect(consoleHome(as('PLATFORM_ADMIN'))).toBe('/console/dashboard');
    expect(consoleNav(as('PLATFORM_ADMIN')).map((n) => n.label)).toContain('Licences');
    expect(consoleNav(as('USER'))).toEqual([]);
  });

  it('offers My desktops to accounts that use desktops', () => {
    expect(usesDesktops(as('TENANT_ADMIN', 'USER'))).toBe(true);
    expect(usesDesktops(as('TENANT_ADMIN'))).toBe(false);
  });
});

describe('landingRedirect', () => {
  it('sends console users from "/" to the console once per sign-in', () => {
    expect(landingRedirect(as('TENANT_ADMIN'), '/', false)).toBe('/console');
    expect(landingRedirect(as('HELPDESK'), '/', true)).toBeNull();
  });

  it('never moves plain users, other pages, or a return from the desktop with a notice', () => {
    expect(landingRedirect(as('USER'), '/', false)).toBeNull();
    expect(landingRedirect(as('TENANT_ADMIN'), '/account/password', false)).toBeNull();
    expect(landingRedirect(as('TENANT_ADMIN', 'USER'), '/', false, true)).toBeNull();
  });
});
