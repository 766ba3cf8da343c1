import { useEffect, useRef, useState } from 'react';

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

/**
 * Calls `onChange` whenever the tenant's live dashboard tells of a change that `signature` sees (not for the first
 * reading): a list kept live on the broker's event stream rather than by polling. Returns the stream's state.
 */
export function useLiveChanges(client: AdminClient, signature: (s: DashboardSnapshot) => string, onChange: () => void): LiveStatus {
  const { snapshot, status } = useLiveDashboard(client);
  const last = useRef<string | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    last.current = null;
  }, [client]);
  useEffect(() => {
    if (!snapshot) {
      return;
    }
    const now = signature(snapshot);
    if (last.current !== null && last.current !== now) {
      changed.current();
    }
    last.current = now;
  }, [snapshot, signature]);
  return status;
}
