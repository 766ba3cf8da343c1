/** Builds the addresses of the broker's WebSocket tunnel (ws: under http:, wss: under https:). */

export interface PageLocation {
  protocol: string;
  host: string;
}

/** The absolute WebSocket URL of the tunnel endpoint at `path` (e.g. "/tunnel") on the page's host. */
export function tunnelWebSocketUrl(path: string, location: PageLocation): string {
  if (/^wss?:\/\//i.test(path)) {
    return path;
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const normalised = path.startsWith('/') ? path : `/${path}`;
  return `${scheme}//${location.host}${normalised}`;
}

export interface DisplayRequest {
  width: number;
  height: number;
  dpi: number;
}

/**
 * The query the tunnel is opened with. Guacamole.WebSocketTunnel appends it after "?", so the result is
 * `…/tunnel?token=…&width=…&height=…&dpi=…`.
 */
export function tunnelConnectData(token: string, display: DisplayRequest): string {
  const params = new URLSearchParams({
    token,
    width: String(Math.max(1, Math.round(display.width))),
    height: String(Math.max(1, Math.round(display.height))),
    dpi: String(Math.max(1, Math.round(display.dpi))),
  });
  return params.toString();
}

/** The remote display size for a container of CSS size w×h on a screen with the given pixel ratio. */
export function displayRequestFor(width: number, height: number, devicePixelRatio: number): DisplayRequest {
  // Remote pixels = CSS pixels: sharp on ordinary screens, and readable on high-density ones (the
  // browser upscales) without asking the desktop for a huge frame buffer.
  const ratio = devicePixelRatio > 0 ? devicePixelRatio : 1;
  return {
    width: Math.max(320, Math.floor(width)),
    height: Math.max(240, Math.floor(height)),
    dpi: Math.round(96 * Math.min(ratio, 2)),
  };
}

/** Scale that fits a remote display of dw×dh into a container of cw×ch (never 0, at most 1 unless asked). */
export function fitScale(cw: number, ch: number, dw: number, dh: number, allowUpscale = false): number {
  if (dw <= 0 || dh <= 0 || cw <= 0 || ch <= 0) {
    return 1;
  }
  const scale = Math.min(cw / dw, ch / dh);
  return allowUpscale ? scale : Math.min(1, scale);
}
