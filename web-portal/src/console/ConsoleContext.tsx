import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

import { adminClient, type AdminClient } from './adminApi';

/** The tenant a platform admin has switched into: its id goes into X-Deskport-Tenant, its name into the header. */
export interface ActingTenant {
  id: string;
  slug: string;
  name: string;
}

export interface ConsoleState {
  /** null: the admin's own tenant (no header sent). */
  actingTenant: ActingTenant | null;
  switchTenant(tenant: ActingTenant | null): void;
  client: AdminClient;
}

const STORAGE_KEY = 'deskport.console.tenant';

function stored(): ActingTenant | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const t = raw ? (JSON.parse(raw) as ActingTenant) : null;
    return t && typeof t.id === 'string' ? t : null;
  } catch {
    return null;
  }
}

const Context = createContext<ConsoleState | null>(null);

/**
 * The console's state shared by its pages. Only platform admins may switch tenant (`allowSwitch`); the choice is
 * kept for the browser tab (sessionStorage) so that a reload stays in the same tenant, and it is always shown.
 */
export function ConsoleProvider({ children, allowSwitch }: { children: ReactNode; allowSwitch: boolean }) {
  const [actingTenant, setActingTenant] = useState<ActingTenant | null>(() => (allowSwitch ? stored() : null));
  const switchTenant = useCallback(
    (tenant: ActingTenant | null) => {
      if (!allowSwitch) {
        return;
      }
      setActingTenant(tenant);
      try {
        if (tenant) {
          sessionStorage.setItem(STORAGE_KEY, JSON.stringify(tenant));
        } else {
          sessionStorage.removeItem(STORAGE_KEY);
        }
      } catch {
        // storage refused: the choice lasts until the page is reloaded
      }
    },
    [allowSwitch],
  );
  const client = useMemo(() => adminClient(actingTenant?.id ?? null), [actingTenant]);
  const value = useMemo(() => ({ actingTenant, switchTenant, client }), [actingTenant, switchTenant, client]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useConsole(): ConsoleState {
  const c = useContext(Context);
  if (!c) {
    throw new Error('useConsole outside <ConsoleProvider>');
  }
  return c;
}

/** Forget the switched-into tenant (at sign-out). */
export function forgetActingTenant() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}
