import { useEffect, useId, useState, type ReactNode } from 'react';
import {
  Button,
  FormSelect,
  FormSelectOption,
  Label,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { BarsIcon, DesktopIcon } from '@patternfly/react-icons';
import { Link, NavLink, useLocation } from 'react-router-dom';

import { api } from '../api/http';
import { useAuth } from '../auth';
import type { Tenant } from './adminTypes';
import { forgetActingTenant, useConsole } from './ConsoleContext';
import { consoleNav, isPlatformAdmin, usesDesktops } from './roles';

const MAIN_ID = 'console-main';

/**
 * The platform admin's tenant switch: every admin call then names the chosen tenant in X-Deskport-Tenant (the
 * broker checks and audits it). The choice is always visible in the masthead.
 */
function TenantSwitcher() {
  const { actingTenant, switchTenant } = useConsole();
  const [tenants, setTenants] = useState<Tenant[] | null>(null);
  const id = useId();
  useEffect(() => {
    let live = true;
    api<Tenant[]>('GET', '/api/v1/admin/tenants?sort=name&limit=1000')
      .then((t) => live && setTenants(t))
      .catch(() => live && setTenants([]));
    return () => {
      live = false;
    };
  }, []);
  const known = tenants ?? [];
  const options = actingTenant && !known.some((t) => t.id === actingTenant.id) ? [actingTenant, ...known] : known;
  return (
    <div className="dp-tenant-switch">
      <label htmlFor={id}>Acting in</label>
      <FormSelect
        id={id}
        value={actingTenant?.id ?? ''}
        onChange={(_e, v) => {
          const t = options.find((o) => o.id === v);
          switchTenant(t ? { id: t.id, slug: t.slug, name: t.name } : null);
        }}
        aria-describedby={`${id}-help`}
        data-testid="tenant-switcher"
      >
        <FormSelectOption value="" label="My own organisation" />
        {options.map((t) => (
          <FormSelectOption key={t.id} value={t.id} label={`${t.name} (${t.slug})`} />
        ))}
      </FormSelect>
      <span id={`${id}-help`} className="pf-v6-screen-reader">
        Every page of the console shows and changes the organisation chosen here.
      </span>
    </div>
  );
}

/** The console's frame: masthead (tenant, My desktops, user, sign-out), sidebar with the sections the roles allow. */
export function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user, signOut } = useAuth();
  const { actingTenant } = useConsole();
  const location = useLocation();
  const nav = consoleNav(user);

  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton variant="plain" aria-label="Show or hide the console's sections" icon={<BarsIcon />} />
        </MastheadToggle>
        <MastheadBrand>
          <span className="dp-brand">
            <DesktopIcon aria-hidden /> Deskport console
          </span>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }} gap={{ default: 'gapMd' }}>
              {isPlatformAdmin(user) && (
                <ToolbarItem>
                  <TenantSwitcher />
                </ToolbarItem>
              )}
              {actingTenant && (
                <ToolbarItem>
                  <Label color="orange" data-testid="acting-tenant">
                    Organisation: {actingTenant.name}
                  </Label>
                </ToolbarItem>
              )}
              {usesDesktops(user) && (
                <ToolbarItem>
                  <Link to="/" state={{ fromConsole: true }} data-testid="my-desktops-link">
                    My desktops
                  </Link>
                </ToolbarItem>
              )}
              <ToolbarItem>
                <span className="dp-user" data-testid="signed-in-user">
                  {user?.username}
                </span>
              </ToolbarItem>
              <ToolbarItem>
                <Button
                  variant="secondary"
                  onClick={() => {
                    forgetActingTenant();
                    void signOut();
                  }}
                >
                  Sign out
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );

  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Console sections">
          <NavList>
            {nav.map((item) => (
              <NavItem key={item.path} isActive={location.pathname.startsWith(item.path)}>
                <NavLink to={item.path}>{item.label}</NavLink>
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );

  return (
    <Page
      masthead={masthead}
      sidebar={sidebar}
      isManagedSidebar
      skipToContent={<SkipToContent href={`#${MAIN_ID}`}>Skip to content</SkipToContent>}
      mainContainerId={MAIN_ID}
    >
      {children}
    </Page>
  );
}
