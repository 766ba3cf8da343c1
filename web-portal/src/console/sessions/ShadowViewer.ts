import Guacamole from 'guacamole-common-js';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { mountDisplay, type MountedDisplay } from '../../desktop/displayMount';
import { GuacStatus } from '../../desktop/reconnect';
import { displayRequestFor, tunnelConnectData, tunnelWebSocketUrl } from '../../desktop/tunnelUrl';
import type { ShadowTicket } from '../adminTypes';
import { shadowEndWords, viewOnly, type ShadowEndWords, type ViewOnlyTunnel } from './viewOnly';

/** Where a shadow is. */
export type ShadowPhase =
  | { kind: 'connecting' }
  | { kind: 'watching'; announced: boolean }
  | { kind: 'refused'; problem: HumanProblem } // the broker issued no ticket
  | { kind: 'ended'; words: ShadowEndWords };

/**
 * An admin's view-only window on a user's screen: a one-time shadow ticket from the broker, then a Guacamole client
 * over the shadow's WebSocket, its display fitted into `container`. No keyboard, mouse or touch is attached, no
 * clipboard is read or written, and the tunnel only sends frame acknowledgements and keep-alives ({@link viewOnly}).
 * It does not reconnect: when the user's screen closes, so does the view, saying why.
 */
export class ShadowViewer {
  private client: Guacamole.Client | null = null;
  private mounted: MountedDisplay | null = null;
  private guard: ViewOnlyTunnel | null = null;
  private status: number = GuacStatus.SUCCESS;
  private stopped = false;
  private readonly resizeObserver: ResizeObserver | null;

  constructor(
    private readonly container: HTMLElement,
    private readonly ticket: () => Promise<ShadowTicket>,
    private readonly onPhase: (phase: ShadowPhase) => void,
  ) {
    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.mounted?.fit());
    this.resizeObserver?.observe(container);
  }

  async start(): Promise<void> {
    this.onPhase({ kind: 'connecting' });
    let ticket: ShadowTicket;
    try {
      ticket = await this.ticket();
    } catch (e) {
      if (!this.stopped) {
        this.onPhase({ kind: 'refused', problem: humanError(e, 'admin') });
      }
      return;
    }
    if (this.stopped) {
      return;
    }
    const tunnel = new Guacamole.WebSocketTunnel(tunnelWebSocketUrl(ticket.path, window.location));
    this.guard = viewOnly(tunnel);
    const client = new Guacamole.Client(tunnel);
    this.client = client;
    this.mounted = mountDisplay(client.getDisplay(), this.container);
    const failed = (s: Guacamole.Status) => {
      this.status = s.code;
    };
    client.onerror = failed;
    tunnel.onerror = failed;
    let ended = false;
    const end = () => {
      if (ended) {
        return;
      }
      ended = true;
      client.onstatechange = null;
      tunnel.onstatechange = null;
      client.disconnect();
      if (!this.stopped) {
        this.onPhase({ kind: 'ended', words: shadowEndWords(this.status, false) });
      }
    };
    tunnel.onstatechange = (state) => {
      if (state === Guacamole.Tunnel.State.CLOSED) {
        end();
      }
    };
    client.onstatechange = (state) => {
      if (state === Guacamole.Client.State.CONNECTED) {
        this.onPhase({ kind: 'watching', announced: ticket.announced });
        this.mounted?.fit();
      } else if (state === Guacamole.Client.State.DISCONNECTED) {
        end();
      }
    };
    const size = displayRequestFor(this.container.clientWidth, this.container.clientHeight, window.devicePixelRatio);
    client.connect(tunnelConnectData(ticket.token, size));
  }

  /** How many messages the view held back (it sends none of its own input). */
  dropped(): number {
    return this.guard?.dropped() ?? 0;
  }

  /** Fits the view into its container again. */
  fit(): void {
    this.mounted?.fit();
  }

  /** Stops watching (the view is going away, or the admin pressed Stop). */
  stop(): void {
    this.stopped = true;
    this.resizeObserver?.disconnect();
    const client = this.client;
    this.client = null;
    if (client) {
      client.onstatechange = null;
      client.onerror = null;
      client.disconnect();
    }
  }
}
