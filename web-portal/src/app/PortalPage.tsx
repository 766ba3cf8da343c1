import type { ReactNode } from 'react';
import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadMain,
  Page,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { DesktopIcon } from '@patternfly/react-icons';
import { Link } from 'react-router-dom';

import { useAuth } from '../auth';
import { isConsoleUser } from '../console/roles';

/** The portal's frame: masthead with the product name, the signed-in user and sign-out. */
export function PortalPage({ children }: { children: ReactNode }) {
  const { user, signOut } = useAuth();
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <span className="dp-brand">
            <DesktopIcon aria-hidden /> Deskport
          </span>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }}>
              <ToolbarItem>
                <span className="dp-user" data-testid="signed-in-user">
                  {user?.username}
                </span>
              </ToolbarItem>
              {isConsoleUser(user) && (
                <ToolbarItem>
                  <Link to="/console" data-testid="console-link">
                    Admin console
                  </Link>
                </ToolbarItem>
              )}
              <ToolbarItem>
                <Link to="/account/password" data-testid="change-password-link">
                  Change password
                </Link>
              </ToolbarItem>
              <ToolbarItem>
                <Button variant="secondary" isInline={false} onClick={() => void signOut()}>
                  Sign out
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  return (
    <Page masthead={masthead} isContentFilled>
      {children}
    </Page>
  );
}
