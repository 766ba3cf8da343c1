import Guacamole from 'guacamole-common-js';

import { ApiError } from '../api/http';
import type { Session, SessionState } from '../api/types';
import { humanError, type HumanProblem } from '../problems/problemMessages';
import { captureWebSocket } from './captureSocket';
import { CLIPBOARD_BOTH, type ClipboardPolicy } from './clipboard';
import { sendCombo, typeText, type KeyCombo } from './keyCombos';
import { QualityMeter, pingRoundTrip, type QualityReading } from './quality';
import { mountDisplay, type MountedDisplay } from './displayMount';
import { CONSOLE_RETRY_LIMIT, ReconnectSchedule, consoleRetryDelay, decideAfterClose, GuacStatus } from './reconnect';
import { parseShadowInstruction, type ShadowEvent } from './shadowNotices';
import { displayRequestFor, tunnelConnectData, tunnelWebSocketUrl } from './tunnelUrl';

/** What the desktop view shows while the remote desktop runs. */
export type DesktopPhase =
  | { kind: 'preparing'; progress: number | null }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; inMs: number; of?: number; cause?: string };

/** Why the desktop view closes and returns to "My desktops". */
export type DesktopExit =
  | { kind: 'disconnected'; note?: string } // the session keeps running
  | { kind: 'ended'; session: Session | null } // the session is over
  | { kind: 'refused'; problem: HumanProblem }
  | { kind: 'signIn' };

/** The broker calls the desktop needs (an interface so tests can fake them). */
export interface DesktopBroker {
  session(id: string): Promise<Session>;
  tunnel(id: string): Promise<{ token: string; path: string }>;
  disconnect(id: string): Promise<unknown>;
  logoff(id: string): Promise<unknown>;
}

export interface DesktopListener {
  phase(phase: DesktopPhase): void;
  quality(reading: QualityReading): void;
  /** Text the desktop put on its clipboard (only when the policy allows copying out). */
  clipboard(text: string): void;
  /** Someone from IT started or stopped watching this screen; null: the screen closed, nobody watches it now. */
  shadow(event: ShadowEvent | null): void;
  exit(exit: DesktopExit): void;
}

const PREPARING_POLL_MS = 2000;
const RESIZE_DEBOUNCE_MS = 250;

/**
 * One in-browser desktop: the Guacamole client over the broker's tunnel, its display fitted to the
 * container, keyboard and mouse, clipboard within policy, quality measurement and reconnect with
 * back-off (each attempt with a fresh one-time tunnel token).
 */
export class RemoteDesktop {
  private client: Guacamole.Client | null = null;
  private mounted: MountedDisplay | null = null;
  private keyboard: Guacamole.Keyboard | null = null;
  private readonly meter = new QualityMeter();
  private readonly schedule = new ReconnectSchedule();
  private consoleRetries = 0;
  private lastStatus = GuacStatus.SUCCESS as number;
  private userClosing = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly resizeObserver: ResizeObserver | null;
  private qualityTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly sessionId: string,
    private readonly broker: DesktopBroker,
    private readonly listener: DesktopListener,
    private readonly clipboardPolicy: ClipboardPolicy = CLIPBOARD_BOTH,
  ) {
    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.onContainerResize());
    this.resizeObserver?.observe(container);
  }

  /** Starts (or restarts) the desktop: waits while it is prepared, then opens a tunnel. */
  async start(): Promise<void> {
    if (this.stopped) {
      return;
    }
    let session: Session;
    try {
      session = await this.broker.session(this.sessionId);
    } catch (e) {
      this.failBeforeTunnel(e);
      return;
    }
    if (this.stopped) {
      return;
    }
    if (session.state === 'ENDED') {
      this.exit({ kind: 'ended', session });
      return;
    }
    if (session.state === 'PREPARING') {
      this.listener.phase({ kind: 'preparing', progress: session.progress ?? null });
      this.timer = setTimeout(() => void this.start(), PREPARING_POLL_MS);
      return;
    }
    this.listener.phase({ kind: 'connecting' });
    let grant: { token: string; path: string };
    try {
      grant = await this.broker.tunnel(this.sessionId);
    } catch (e) {
      this.failBeforeTunnel(e);
      return;
    }
    if (this.stopped) {
      return;
    }
    this.open(grant.token, grant.path || '/tunnel');
  }

  private open(token: string, path: string): void {
    const tunnel = new Guacamole.WebSocketTunnel(tunnelWebSocketUrl(path, window.location));
    const client = new Guacamole.Client(tunnel);
    this.client = client;
    this.lastStatus = GuacStatus.SUCCESS;

    const display = client.getDisplay();
    this.mounted = mountDisplay(display, this.container);
    // the broker's notice that someone from IT watches this screen travels with the desktop's own instructions
    const handle = tunnel.oninstruction;
    tunnel.oninstruction = (opcode, args) => {
      const shadow = parseShadowInstruction(opcode, args);
      if (shadow) {
        this.listener.shadow(shadow);
        return;
      }
      handle?.(opcode, args);
    };
    const stats = display as unknown as { statisticWindow: number; onstatistics: ((s: { processingLag: number }) => void) | null };
    stats.statisticWindow = 1000;
    stats.onstatistics = (s) => this.meter.addDisplayLag(s.processingLag);

    this.attachInput(client);

    client.onclipboard = (stream, mimetype) => this.receiveClipboard(stream, mimetype);
    client.onerror = (status) => {
      this.lastStatus = status.code;
    };
    tunnel.onerror = (status) => {
      this.lastStatus = status.code;
    };
    // guacamole-common-js's client does not notice its tunnel closing (a dropped network), so both the
    // client's own end (server "error"/"disconnect") and the tunnel's close lead here, once.
    const ended = () => {
      if (this.client === client) {
        void this.closed(client, tunnel);
      }
    };
    tunnel.onstatechange = (state) => {
      if (state === Guacamole.Tunnel.State.CLOSED) {
        ended();
      }
    };
    client.onstatechange = (state) => {
      if (state === Guacamole.Client.State.CONNECTED) {
        this.schedule.reset();
        this.consoleRetries = 0;
        this.listener.phase({ kind: 'connected' });
        this.container.focus({ preventScroll: true });
        // desktops that can resize take the window's size from the start, not only after a resize
        const fit = displayRequestFor(this.container.clientWidth, this.container.clientHeight, window.devicePixelRatio);
        client.sendSize(fit.width, fit.height);
      } else if (state === Guacamole.Client.State.DISCONNECTED) {
        ended();
      }
    };

    const size = displayRequestFor(this.container.clientWidth, this.container.clientHeight, window.devicePixelRatio);
    captureWebSocket(
      () => client.connect(tunnelConnectData(token, size)),
      (socket) =>
        socket.addEventListener('message', (event) => {
          const rtt = pingRoundTrip(event.data, Date.now());
          if (rtt !== null) {
            this.meter.addRoundTrip(rtt);
          }
        }),
    );
    this.qualityTimer ??= setInterval(() => this.listener.quality(this.meter.reading()), 1000);
  }

  private attachInput(client: Guacamole.Client): void {
    const element = client.getDisplay().getElement();
    const mouse = new Guacamole.Mouse(element);
    mouse.onEach(['mousedown', 'mouseup', 'mousemove'], (e) => {
      this.container.focus({ preventScroll: true });
      client.sendMouseState((e as Guacamole.Mouse.Event).state, true);
    });
    // Draw the desktop's cursor as the local CSS cursor when the browser can; otherwise in the display.
    const display = client.getDisplay();
    display.oncursor = (canvas, x, y) => display.showCursor(!mouse.setCursor(canvas, x, y));
    const touch = new Guacamole.Mouse.Touchscreen(element);
    touch.onEach(['mousedown', 'mouseup', 'mousemove'], (e) => client.sendMouseState((e as Guacamole.Mouse.Event).state, true));

    if (!this.keyboard) {
      // Keys go to the desktop only while the desktop has focus, so the toolbar stays usable by keyboard.
      this.keyboard = new Guacamole.Keyboard(this.container);
    }
    this.keyboard.onkeydown = (keysym) => {
      this.client?.sendKeyEvent(1, keysym);
      return false;
    };
    this.keyboard.onkeyup = (keysym) => this.client?.sendKeyEvent(0, keysym);
  }

  private receiveClipboard(stream: Guacamole.InputStream, mimetype: string): void {
    if (!this.clipboardPolicy.copy || !/^text\//.test(mimetype)) {
      return;
    }
    const reader = new Guacamole.StringReader(stream);
    let text = '';
    reader.ontext = (t) => {
      text += t;
    };
    reader.onend = () => this.listener.clipboard(text);
  }

  /** The tunnel closed: reconnect after a blip, or leave for "My desktops". */
  private async closed(client: Guacamole.Client, tunnel: Guacamole.Tunnel): Promise<void> {
    this.detach(client);
    tunnel.onstatechange = null;
    tunnel.onerror = null;
    this.listener.shadow(null); // whoever watched this screen watched it through this tunnel
    client.disconnect(); // stops the client's keep-alive; its tunnel is closed already
    if (this.stopped) {
      return;
    }
    const status = this.lastStatus;
    let state: SessionState | null = null;
    let session: Session | null = null;
    try {
      session = await this.broker.session(this.sessionId);
      state = session.state;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        this.exit({ kind: 'signIn' });
        return;
      }
      if (e instanceof ApiError && e.status === 404) {
        this.exit({ kind: 'ended', session: null });
        return;
      }
    }
    if (this.stopped) {
      return;
    }
    const decision = decideAfterClose(status, state, this.userClosing, session);
    switch (decision.kind) {
      case 'console':
        this.retryUnreachable(decision.problem.attempts, decision.problem.attemptsBeforeEnd, decision.why);
        return;
      case 'ended':
        this.exit({ kind: 'ended', session });
        return;
      case 'leave':
        this.exit({ kind: 'disconnected', note: decision.why || undefined });
        return;
      case 'reconnect':
        this.retry();
    }
  }

  private retry(): void {
    const delay = this.schedule.next();
    if (delay === null) {
      this.exit({
        kind: 'disconnected',
        note: 'The connection to your desktop was lost and could not be restored. Your desktop keeps running; reconnect when your network is back.',
      });
      return;
    }
    this.meter.reset();
    this.listener.quality(this.meter.reading());
    this.listener.phase({ kind: 'reconnecting', attempt: this.schedule.attempts, inMs: delay });
    this.timer = setTimeout(() => void this.start(), delay);
  }

  /** The desktop could not be reached: try again shortly, saying why, until the broker decides it is over. */
  private retryUnreachable(attempts: number, of: number, why: string): void {
    if (++this.consoleRetries > CONSOLE_RETRY_LIMIT) {
      this.exit({ kind: 'disconnected', note: `${why} Contact your IT help desk.` });
      return;
    }
    const delay = consoleRetryDelay(attempts);
    this.listener.phase({ kind: 'reconnecting', attempt: attempts + 1, of, inMs: delay, cause: why });
    this.timer = setTimeout(() => void this.start(), delay);
  }

  private failBeforeTunnel(e: unknown): void {
    if (e instanceof ApiError && e.status === 401) {
      this.exit({ kind: 'signIn' });
    } else if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) {
      this.retry();
    } else if (e instanceof ApiError && e.status === 404 && e.problem.reason === 'NOT_FOUND' && this.schedule.attempts > 0) {
      this.exit({ kind: 'ended', session: null });
    } else {
      this.exit({ kind: 'refused', problem: humanError(e) });
    }
  }

  private detach(client: Guacamole.Client): void {
    client.onstatechange = null;
    client.onclipboard = null;
    client.onerror = null;
    if (this.client === client) {
      this.client = null;
    }
  }

  private exit(exit: DesktopExit): void {
    if (this.stopped) {
      return;
    }
    this.dispose();
    this.listener.exit(exit);
  }

  private onContainerResize(): void {
    this.rescale();
    if (this.resizeTimer) {
      clearTimeout(this.resizeTimer);
    }
    this.resizeTimer = setTimeout(() => {
      const size = displayRequestFor(this.container.clientWidth, this.container.clientHeight, window.devicePixelRatio);
      // Desktops that can resize (RandR / ExtendedDesktopSize) follow; the others stay scaled to fit.
      this.client?.sendSize(size.width, size.height);
    }, RESIZE_DEBOUNCE_MS);
  }

  /** Fits the remote display into the container. */
  rescale(): void {
    if (this.client) {
      this.mounted?.fit();
    }
  }

  /** Skips the wait before the next reconnect attempt. */
  retryNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.client) {
      void this.start();
    }
  }

  sendCombo(combo: KeyCombo): void {
    if (this.client) {
      sendCombo(this.client, combo);
    }
  }

  sendKey(keysym: number, pressed: boolean): void {
    this.client?.sendKeyEvent(pressed ? 1 : 0, keysym);
  }

  typeText(text: string): void {
    if (this.client) {
      typeText(this.client, text);
    }
  }

  /** Puts text on the desktop's clipboard (when the policy allows pasting in). */
  sendClipboard(text: string): boolean {
    if (!this.client || !this.clipboardPolicy.paste) {
      return false;
    }
    const writer = new Guacamole.StringWriter(this.client.createClipboardStream('text/plain'));
    writer.sendText(text);
    writer.sendEnd();
    return true;
  }

  /** Leaves the desktop running and returns to the list. */
  async disconnect(): Promise<void> {
    this.userClosing = true;
    this.closeTunnel();
    try {
      await this.broker.disconnect(this.sessionId);
    } catch {
      // already disconnected by the tunnel's close, or ended: nothing more to do
    }
    this.exit({ kind: 'disconnected' });
  }

  /** Ends the session. */
  async logoff(): Promise<void> {
    this.userClosing = true;
    let session: Session | null = null;
    try {
      session = (await this.broker.logoff(this.sessionId)) as Session;
    } catch (e) {
      this.listener.phase({ kind: 'connected' });
      this.userClosing = false;
      throw e;
    }
    this.closeTunnel();
    this.exit({ kind: 'ended', session });
  }

  /** Closes the tunnel without the close being taken for a network blip. */
  private closeTunnel(): void {
    const client = this.client;
    if (client) {
      this.detach(client);
      client.disconnect();
    }
  }

  /** Stops everything (the view is going away). */
  dispose(): void {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    if (this.resizeTimer) {
      clearTimeout(this.resizeTimer);
    }
    if (this.qualityTimer) {
      clearInterval(this.qualityTimer);
    }
    this.resizeObserver?.disconnect();
    const client = this.client;
    if (client) {
      this.detach(client);
      client.disconnect();
    }
    if (this.keyboard) {
      this.keyboard.onkeydown = null;
      this.keyboard.onkeyup = null;
      this.keyboard.reset();
    }
  }
}
