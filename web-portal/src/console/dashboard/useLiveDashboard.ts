import { useEffect, useState } from 'react';

import type { AdminClient } from '../adminApi';
import type { DashboardSnapshot } from './dashboardTypes';
import { LiveDashboard, streamUrl, type LiveStatus, type OpenStream } from './liveFeed';

export const DASHBOARD_PATH = '/api/v1/admin/dashboard';

/** The browser's EventSource (it sends the portal's cookie to its own origin), or null where there is none. */
export function browserEventSource(): OpenStream | null {
  if (typeof EventSource === 'undefined') {
    return null;
  }
  return (url) => new EventSource(url);
}

/**
 * The tenant's dashboard, kept live by {@link LiveDashboard} for as long as the page shows it; a switch of tenant
 * starts over with the other tenant's stream.
 */
export function useLiveDashboard(client: AdminClient): { snapshot: DashboardSnapshot | null; status: LiveStatus } {
  const [snapshot, setSnapshot] = useState<DashboardSnapshot | null>(null);
  const [status, setStatus] = useState<LiveStatus>({ state: 'connecting' });
  useEffect(() => {
    setSnapshot(null);
    const feed = new LiveDashboard({
      streamUrl: streamUrl(client.tenantId),
      fetchSnapshot: async () => (await client.get<DashboardSnapshot>(DASHBOARD_PATH)).value,
      onSnapshot: setSnapshot,
      onStatus: setStatus,
      openStream: browserEventSource(),
    });
    feed.start();
    return () => feed.stop();
  }, [client]);
  return { snapshot, status };
}
