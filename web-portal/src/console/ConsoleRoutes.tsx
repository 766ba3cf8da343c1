import { Navigate, Route, Routes } from 'react-router-dom';

import { useAuth } from '../auth';
import { ConsoleLayout } from './ConsoleLayout';
import { ConsoleProvider } from './ConsoleContext';
import { AuditPage } from './pages/AuditPage';
import { DashboardPage } from './dashboard/DashboardPage';
import { HostsPage } from './hosts/HostsPage';
import { LicenceProductPage } from './licences/LicenceProductPage';
import { LicencesPage } from './licences/LicencesPage';
import { PoolPage } from './pages/PoolPage';
import { PoolsPage } from './pages/PoolsPage';
import { SessionsPage } from './pages/SessionsPage';
import { RecordingPage } from './sessions/RecordingPage';
import { SessionPage } from './sessions/SessionPage';
import { ShadowPage } from './sessions/ShadowPage';
import { TenantsPage } from './pages/TenantsPage';
import { UsersPage } from './pages/UsersPage';
import { UsagePage } from './usage/UsagePage';
import { WebhookPage } from './webhooks/WebhookPage';
import { WebhooksPage } from './webhooks/WebhooksPage';
import { consoleHome, consoleNav, isConsoleUser, isPlatformAdmin } from './roles';

/** The console's pages under /console; a section the roles do not include goes back to the console's home. */
export function ConsoleRoutes() {
  const { user } = useAuth();
  if (!isConsoleUser(user)) {
    return <Navigate to="/" replace />;
  }
  const home = consoleHome(user);
  const allowed = new Set(consoleNav(user).map((n) => n.path));
  const guard = (path: string, element: React.ReactNode) => (allowed.has(path) ? element : <Navigate to={home} replace />);
  return (
    <ConsoleProvider allowSwitch={isPlatformAdmin(user)}>
      <ConsoleLayout>
        <Routes>
          <Route index element={<Navigate to={home} replace />} />
          <Route path="dashboard" element={guard('/console/dashboard', <DashboardPage />)} />
          <Route path="pools" element={guard('/console/pools', <PoolsPage />)} />
          <Route path="pools/:poolId" element={guard('/console/pools', <PoolPage />)} />
          <Route path="sessions" element={guard('/console/sessions', <SessionsPage />)} />
          <Route path="sessions/:sessionId" element={guard('/console/sessions', <SessionPage />)} />
          <Route path="sessions/:sessionId/shadow" element={guard('/console/sessions', <ShadowPage />)} />
          <Route path="sessions/:sessionId/recordings/:name" element={guard('/console/sessions', <RecordingPage />)} />
          <Route path="hosts" element={guard('/console/hosts', <HostsPage />)} />
          <Route path="licences" element={guard('/console/licences', <LicencesPage />)} />
          <Route path="licences/:productId" element={guard('/console/licences', <LicenceProductPage />)} />
          <Route path="usage" element={guard('/console/usage', <UsagePage />)} />
          <Route path="webhooks" element={guard('/console/webhooks', <WebhooksPage />)} />
          <Route path="webhooks/:subscriptionId" element={guard('/console/webhooks', <WebhookPage />)} />
          <Route path="users" element={guard('/console/users', <UsersPage />)} />
          <Route path="audit" element={guard('/console/audit', <AuditPage />)} />
          <Route path="tenants" element={guard('/console/tenants', <TenantsPage />)} />
          <Route path="*" element={<Navigate to={home} replace />} />
        </Routes>
      </ConsoleLayout>
    </ConsoleProvider>
  );
}
