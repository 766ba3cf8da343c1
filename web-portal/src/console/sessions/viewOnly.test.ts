import { GuacStatus } from '../../desktop/reconnect';
import { shadowEndWords, shadowMaySend, viewOnly } from './viewOnly';

describe('a shadow’s outgoing instructions', () => {
  it('are only pings, frame acknowledgements, keep-alives and the goodbye', () => {
    for (const allowed of ['', 'sync', 'nop', 'disconnect']) {
      expect(shadowMaySend(allowed)).toBe(true);
    }
    for (const input of ['key', 'mouse', 'touch', 'clipboard', 'blob', 'end', 'ack', 'size', 'file', 'pipe', 'argv', 'audio', 'put']) {
      expect(shadowMaySend(input)).toBe(false);
    }
    expect(shadowMaySend(undefined)).toBe(false);
  });

  it('are filtered on the tunnel itself, whatever the client tries to send', () => {
    const sent: unknown[][] = [];
    const tunnel = { sendMessage: (...elements: unknown[]) => void sent.push(elements) };
    const guard = viewOnly(tunnel);
    tunnel.sendMessage('sync', 1234);
    tunnel.sendMessage('key', 65, 1);
    tunnel.sendMessage('mouse', 10, 20, 1);
    tunnel.sendMessage('clipboard', 3, 'text/plain');
    tunnel.sendMessage('size', 640, 480);
    tunnel.sendMessage('nop');
    tunnel.sendMessage('', 'ping', 99);
    expect(sent).toEqual([['sync', 1234], ['nop'], ['', 'ping', 99]]);
    expect(guard.dropped()).toBe(4);
  });
});

describe('why a shadow ended', () => {
  it('is said in words, with whether watching again may work', () => {
    expect(shadowEndWords(GuacStatus.SESSION_CLOSED, false)).toMatchObject({ title: 'The user’s screen closed', again: false });
    expect(shadowEndWords(GuacStatus.SESSION_CONFLICT, false)).toMatchObject({ title: 'The user reconnected', again: true });
    expect(shadowEndWords(GuacStatus.UPSTREAM_UNAVAILABLE, false).title).toBe('Another broker serves this session');
    expect(shadowEndWords(GuacStatus.CLIENT_UNAUTHORIZED, false).text).toContain('expired or was used already');
    expect(shadowEndWords(GuacStatus.SESSION_TIMEOUT, false).again).toBe(false);
    expect(shadowEndWords(GuacStatus.UPSTREAM_NOT_FOUND, false)).toMatchObject({ title: 'The view closed', again: true });
    expect(shadowEndWords(GuacStatus.SESSION_CLOSED, true).title).toBe('You stopped watching');
  });
});
