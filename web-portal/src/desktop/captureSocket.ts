/**
 * Runs `open` (which creates the tunnel's WebSocket synchronously) and hands the new socket to
 * `onSocket`. Guacamole.WebSocketTunnel keeps its socket private and swallows the answers to its pings;
 * listening beside it is the only way to measure the tunnel's round trip without forking the library.
 */
export function captureWebSocket<T>(open: () => T, onSocket: (socket: WebSocket) => void): T {
  const Original = globalThis.WebSocket;
  class Capturing extends Original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      onSocket(this);
    }
  }
  globalThis.WebSocket = Capturing;
  try {
    return open();
  } finally {
    globalThis.WebSocket = Original;
  }
}
