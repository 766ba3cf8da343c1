import { DEVICE_HEADER, deviceId } from './device';
import { api } from './http';
import type { ConnectResponse, LaunchResponse, MyApplication, MyPool, Session, TunnelGrant } from './types';

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
};
