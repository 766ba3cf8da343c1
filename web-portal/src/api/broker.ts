import { DEVICE_HEADER, deviceId } from './device';
import { api } from './http';
import type { ConnectResponse, DesktopSnapshot, DesktopSnapshots, LaunchResponse, MyApplication, MyPool, Session, TunnelGrant } from './types';

/** The end user's calls to the broker, one function per endpoint. */
export const broker = {
  myPools: () => api<MyPool[]>('GET', '/api/v1/pools'),
  connect: (poolId: string) =>
    api<ConnectResponse>('POST', `/api/v1/pools/${encodeURIComponent(poolId)}/connect`, undefined, {
      [DEVICE_HEADER]: deviceId(),
    }),
  myApplications: () => api<MyApplication[]>('GET', '/api/v1/applications'),
  launchApplication: (id: string) =>
    api<LaunchResponse>('POST', `/api/v1/applications/${encodeURIComponent(id)}/launch`, undefined, {
      [DEVICE_HEADER]: deviceId(),
    }),
  session: (id: string) => api<Session>('GET', `/api/v1/sessions/${encodeURIComponent(id)}`),
  disconnect: (id: string) => api<Session>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/disconnect`),
  logoff: (id: string) => api<Session>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/logoff`),
  tunnel: (id: string) => api<TunnelGrant>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/tunnel`),
  /** The snapshots of the user's own desktop in a persistent pool (404: they own none there). */
  snapshots: (poolId: string) => api<DesktopSnapshots>('GET', `/api/v1/pools/${encodeURIComponent(poolId)}/snapshots`),
  /** "Save my desktop now". */
  saveSnapshot: (poolId: string, label?: string) =>
    api<DesktopSnapshot>('POST', `/api/v1/pools/${encodeURIComponent(poolId)}/snapshots`, label ? { label } : {}),
  /** Without confirm the broker answers CONFIRMATION_REQUIRED with its warning; with it the restore starts. */
  restoreSnapshot: (poolId: string, snapshotId: string, confirm: boolean) =>
    api<DesktopSnapshot>(
      'POST',
      `/api/v1/pools/${encodeURIComponent(poolId)}/snapshots/${encodeURIComponent(snapshotId)}/restore`,
      { confirm },
    ),
  deleteSnapshot: (poolId: string, snapshotId: string) =>
    api<void>('DELETE', `/api/v1/pools/${encodeURIComponent(poolId)}/snapshots/${encodeURIComponent(snapshotId)}`),
};
