import { Bullseye, Spinner } from '@patternfly/react-core';
import { Navigate, Route, Routes } from 'react-router-dom';

import { PasswordPage } from '../account/PasswordPage';
import { SignInPage, useAuth } from '../auth';
import { DesktopPage } from '../desktop/DesktopPage';
import { MyDesktopsPage } from '../desktops/MyDesktopsPage';
import { PortalPage } from './PortalPage';

/** Routes: "/" is My desktops, "/desktops/:sessionId" the in-browser desktop. Everything needs sign-in. */
export function App() {
  const { user } = useAuth();
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
      <Route
        path="/"
        element={
          <PortalPage>
            <MyDesktopsPage />
          </PortalPage>
        }
      />
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
