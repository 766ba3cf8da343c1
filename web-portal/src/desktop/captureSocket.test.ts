import { captureWebSocket } from './captureSocket';

describe('captureWebSocket', () => {
  it('hands over the socket created inside and restores the global constructor', () => {
    const Original = globalThis.WebSocket;
    class FakeSocket {
      constructor(
        readonly url: string,
        readonly protocols?: string,
      ) {}
    }
    globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
    try {
      let seen: unknown = null;
      const created = captureWebSocket(
        () => new WebSocket('ws://h/tunnel?token=t', 'guacamole'),
        (s) => {
          seen = s;
        },
      );
      expect(seen).toBe(created);
      expect((created as unknown as FakeSocket).protocols).toBe('guacamole');
      expect(globalThis.WebSocket).toBe(FakeSocket);
    } finally {
      globalThis.WebSocket = Original;
    }
  });
});
