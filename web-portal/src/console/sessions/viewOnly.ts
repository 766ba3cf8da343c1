import type Guacamole from 'guacamole-common-js';

import { GuacStatus } from '../../desktop/reconnect';

/**
 * What a shadow's client may send: its tunnel's own messages (opcode "": pings), frame acknowledgements (`sync`),
 * keep-alives (`nop`) and its goodbye (`disconnect`). The viewer attaches no keyboard or mouse at all; this is the
 * second line, so that nothing else leaves the browser even by mistake. (The broker drops everything else too.)
 */
export const SHADOW_MAY_SEND: ReadonlySet<string> = new Set(['', 'sync', 'nop', 'disconnect']);

export function shadowMaySend(opcode: unknown): boolean {
  return typeof opcode === 'string' && SHADOW_MAY_SEND.has(opcode);
}

/** A tunnel that sends only what a shadow may; `dropped()` counts what it held back. */
export interface ViewOnlyTunnel {
  dropped(): number;
}

/** Makes `tunnel` view-only: its sendMessage passes on only {@link SHADOW_MAY_SEND}. */
export function viewOnly(tunnel: Pick<Guacamole.Tunnel, 'sendMessage'>): ViewOnlyTunnel {
  const send = tunnel.sendMessage.bind(tunnel);
  let dropped = 0;
  tunnel.sendMessage = (opcode: unknown, ...args: unknown[]) => {
    if (shadowMaySend(opcode)) {
      send(opcode, ...args);
    } else {
      dropped++;
    }
  };
  return { dropped: () => dropped };
}

/** Why a shadow ended, in words for the admin. */
export interface ShadowEndWords {
  title: string;
  text: string;
  /** Whether watching again may work now. */
  again: boolean;
}

/** The words for the status the shadow's tunnel closed with (the broker's close reason: a Guacamole status code). */
export function shadowEndWords(status: number, byViewer: boolean): ShadowEndWords {
  if (byViewer) {
    return { title: 'You stopped watching', text: 'The user’s session goes on as before.', again: true };
  }
  switch (status) {
    case GuacStatus.SESSION_CLOSED:
    case GuacStatus.RESOURCE_CONFLICT:
      return {
        title: 'The user’s screen closed',
        text: 'They disconnected, were disconnected or logged off, so there is nothing to watch now.',
        again: false,
      };
    case GuacStatus.SESSION_CONFLICT:
      return {
        title: 'The user reconnected',
        text: 'They opened their desktop again (perhaps on another device); the screen you watched closed. Watch again to see the new one.',
        again: true,
      };
    case GuacStatus.SESSION_TIMEOUT:
      return { title: 'The session timed out', text: 'The pool’s timeout disconnected or ended it.', again: false };
    case GuacStatus.CLIENT_UNAUTHORIZED:
      return { title: 'The shadow ticket was refused', text: 'It had expired or was used already.', again: true };
    case GuacStatus.UPSTREAM_UNAVAILABLE:
      return {
        title: 'Another broker serves this session',
        text: 'Its desktop stream runs through another broker’s built-in gateway, which this one cannot reach.',
        again: true,
      };
    case GuacStatus.RESOURCE_NOT_FOUND:
      return { title: 'The session’s screen is gone', text: 'The desktop stream you asked to watch has ended.', again: false };
    case GuacStatus.SERVER_BUSY:
      return { title: 'The broker stopped', text: 'The broker serving the shadow shut down.', again: true };
    default:
      return {
        title: 'The view closed',
        text: 'The connection to the broker was lost or the desktop stream ended.',
        again: true,
      };
  }
}
