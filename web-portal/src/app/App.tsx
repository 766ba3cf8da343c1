import { useEffect } from 'react';
import { Bullseye, Spinner } from '@patternfly/react-core';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';

import { PasswordPage } from '../account/PasswordPage';
import { SignInPage, useAuth } from '../auth';
import { DesktopPage } from '../desktop/DesktopPage';
import { MyDesktopsPage } from '../desktops/MyDesktopsPage';
import { forgetActingTenant } from '../console/ConsoleContext';
import { ConsoleRoutes } from '../console/ConsoleRoutes';
import { landingRedirect } from '../console/roles';
import { PortalPage } from './PortalPage';

const LANDED_KEY = 'deskport.landed';

/**
 * "/": My desktops; admins, help desk and the platform operator land on the console instead, once per sign-in
 * (kept for the tab), so that the console's "My desktops" link and the desktop view's return stay on their desktops.
 */
function Home() {
  const { user } = useAuth();
  const location = useLocation();
  let landed = false;
  try {
    landed = sessionStorage.getItem(LANDED_KEY) === user?.userId;
  } catch {
    landed = false;
  }
  const state = location.state as { notice?: unknown; fromConsole?: boolean } | null;
  const to = landingRedirect(user, location.pathname, landed || !!state?.fromConsole, !!state?.notice);
  if (to) {
    try {
      sessionStorage.setItem(LANDED_KEY, user?.userId ?? '');
    } catch {
      // storage refused: the console is the landing page at each visit
    }
    return <Navigate to={to} replace />;
  }
  return (
    <PortalPage>
      <MyDesktopsPage />
    </PortalPage>
  );
}

/**
 * Routes: "/" is My desktops, "/desktops/:sessionId" the in-browser desktop, "/console/…" the admin console (by role).
 * Everything needs sign-in.
 */
export function App() {
  const { user } = useAuth();
  useEffect(() => {
    if (user === null) {
      // signed out: the next sign-in lands on the console again
      try {
        sessionStorage.removeItem(LANDED_KEY);
      } catch {
        // nothing kept
      }
      // and a platform admin's tenant switch does not outlive the sign-in
      forgetActingTenant();
    }
  }, [user]);
  if (user === undefined) {
    return (
      <Bullseye className="dp-fill">
        <Spinner aria-label="Loading Deskport" />
      </Bullseye>
    );
  }
  if (user === null) {
    return <SignInPage />;
  }
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/console/*" element={<ConsoleRoutes />} />
      <Route
        path="/account/password"
        element={
          <PortalPage>
            <PasswordPage />
          </PortalPage>
        }
      />
      <Route path="/desktops/:sessionId" element={<DesktopPage />} />
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
