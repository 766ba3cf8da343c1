import type { Me } from '../api/types';

/**
 * Who sees what in the console. The roles are the broker's (`shared.Role`): PLATFORM_ADMIN, TENANT_ADMIN,
 * HELPDESK, USER. What each may call is the broker's security rules (identity.SecurityConfiguration); the console
 * only shows what those rules allow, it never decides access itself.
 */
export type ConsoleRole = 'PLATFORM_ADMIN' | 'TENANT_ADMIN' | 'HELPDESK';

const CONSOLE_ROLES: readonly ConsoleRole[] = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'HELPDESK'];

type WithRoles = Pick<Me, 'roles'> | null | undefined;

const has = (me: WithRoles, role: string) => !!me?.roles?.includes(role);

/** Admins, help desk and the platform operator use the console. */
export function isConsoleUser(me: WithRoles): boolean {
  return CONSOLE_ROLES.some((r) => has(me, r));
}

/** Tenant and platform admins may change things (users, groups, pools…); help desk only reads and acts on sessions. */
export function canAdminister(me: WithRoles): boolean {
  return has(me, 'TENANT_ADMIN') || has(me, 'PLATFORM_ADMIN');
}

export function isPlatformAdmin(me: WithRoles): boolean {
  return has(me, 'PLATFORM_ADMIN');
}

/** Whether the account uses desktops itself (the USER role): then the console offers "My desktops". */
export function usesDesktops(me: WithRoles): boolean {
  return has(me, 'USER');
}

export interface NavItem {
  path: string;
  label: string;
}

/** The console's sections for these roles, in the sidebar's order; the first is where /console lands. */
export function consoleNav(me: WithRoles): NavItem[] {
  if (!isConsoleUser(me)) {
    return [];
  }
  const items: NavItem[] = [];
  if (canAdminister(me)) {
    // the admins' landing page: the estate at a glance, live
    items.push({ path: '/console/dashboard', label: 'Dashboard' });
  }
  if (isPlatformAdmin(me)) {
    items.push({ path: '/console/tenants', label: 'Tenants' });
  }
  if (canAdminister(me)) {
    items.push({ path: '/console/pools', label: 'Pools' });
    items.push({ path: '/console/sessions', label: 'Sessions' });
    items.push({ path: '/console/hosts', label: 'Hosts' });
    // the licence API is the admins' only (no help-desk reading)
    items.push({ path: '/console/licences', label: 'Licences' });
    // usage and webhooks: the broker lets admins only read them (/api/v1/usage/**, /api/v1/admin/webhooks)
    items.push({ path: '/console/usage', label: 'Usage' });
    items.push({ path: '/console/webhooks', label: 'Webhooks' });
  } else {
    // help desk: the sessions are its work (and its landing), the rest is for reading (the dashboard without licences,
    // hypervisor hosts and provisioning; session hosts only: hypervisor hosts are the admins')
    items.push({ path: '/console/sessions', label: 'Sessions' });
    items.push({ path: '/console/dashboard', label: 'Dashboard' });
    items.push({ path: '/console/pools', label: 'Pools' });
    items.push({ path: '/console/hosts', label: 'Hosts' });
  }
  items.push({ path: '/console/users', label: 'Users and groups' });
  items.push({ path: '/console/audit', label: 'Audit trail' });
  return items;
}

/** Where /console sends these roles. */
export function consoleHome(me: WithRoles): string {
  return consoleNav(me)[0]?.path ?? '/';
}

/**
 * Where a signed-in user arriving at `pathname` should go instead, if anywhere: console users land on the console
 * once per sign-in (afterwards "/" is their own desktops, reached from the console's masthead); plain users never
 * move. A return to "/" that carries a notice (the desktop view going back to say why) is never redirected.
 */
export function landingRedirect(me: WithRoles, pathname: string, alreadyLanded: boolean, hasNotice = false): string | null {
  if (pathname !== '/' || alreadyLanded || hasNotice || !isConsoleUser(me)) {
    return null;
  }
  return '/console';
}
