import Guacamole from 'guacamole-common-js';

import { mountDisplay, type MountedDisplay } from '../../desktop/displayMount';
import { LOADING, atEnd, playback, type Playback, type PlaybackEvent } from './playback';

/**
 * Plays a session recording (the gateway's Guacamole instruction stream) in the page with
 * Guacamole.SessionRecording: its display fitted into `container`, play, pause and seek, and every change of the
 * playback reported to `onChange` ({@link Playback}).
 *
 * The file is streamed from the broker's API (`url`, with `headers` such as the platform admin's
 * X-Deskport-Tenant) through Guacamole.StaticHTTPTunnel, so playback can start before the whole file has arrived.
 * (guacamole-common-js 1.5.0 from npm cannot play a Blob: its SessionRecording never keeps the Blob it is given.)
 */
export class RecordingPlayer {
  private readonly recording: Guacamole.SessionRecording;
  private readonly mounted: MountedDisplay;
  private readonly resizeObserver: ResizeObserver | null;
  private state: Playback = LOADING;
  private disposed = false;
  /** While playing: the position of the last frame shown and when it was shown (the clock runs on between frames). */
  private frameAt = { position: 0, time: 0 };
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    container: HTMLElement,
    url: string,
    headers: Record<string, string>,
    private readonly onChange: (p: Playback) => void,
  ) {
    const source = new Guacamole.StaticHTTPTunnel(url, false, headers);
    this.recording = new Guacamole.SessionRecording(source);
    this.mounted = mountDisplay(this.recording.getDisplay(), container);
    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.mounted.fit());
    this.resizeObserver?.observe(container);
    const r = this.recording;
    r.onprogress = (duration) => this.apply({ type: 'progress', duration });
    r.onload = () => this.apply({ type: 'loaded', duration: r.getDuration() });
    r.onerror = (message) => this.apply({ type: 'error', message });
    r.onplay = () => {
      this.frameAt = { position: r.getPosition(), time: performance.now() };
      this.apply({ type: 'play' });
      this.tick(true);
    };
    r.onpause = () => {
      this.tick(false);
      this.apply({ type: 'position', position: r.getPosition() });
      this.apply({ type: 'pause' });
    };
    r.onseek = (position) => {
      this.frameAt = { position, time: performance.now() };
      this.apply({ type: 'position', position });
    };
    // the tunnel reports a refused download with the HTTP status as a Guacamole status
    const failed = source.onerror;
    source.onerror = (status) => {
      failed?.(status);
      this.apply({ type: 'error', message: downloadFailure(status.code) });
    };
    r.connect();
  }

  /**
   * While playing, the position moves on every 250 ms between frames too: a recording shows nothing new while the
   * screen was still, and its seek bar should move on all the same, as a video's does.
   */
  private tick(on: boolean): void {
    if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    if (on) {
      this.ticker = setInterval(() => {
        const position = Math.min(this.state.duration, this.frameAt.position + (performance.now() - this.frameAt.time));
        if (position > this.state.position) {
          this.apply({ type: 'position', position });
        }
      }, 250);
    }
  }

  private apply(event: PlaybackEvent): void {
    if (this.disposed) {
      return;
    }
    this.state = playback(this.state, event);
    this.onChange(this.state);
  }

  play(): void {
    if (atEnd(this.state)) {
      this.recording.seek(0, () => this.recording.play());
      return;
    }
    this.recording.play();
  }

  pause(): void {
    this.recording.pause();
  }

  /** Moves playback to `ms` from the start (playing on if it was playing). */
  seek(ms: number): void {
    this.apply({ type: 'position', position: ms });
    this.recording.seek(ms);
  }

  fit(): void {
    this.mounted.fit();
  }

  dispose(): void {
    this.disposed = true;
    this.tick(false);
    this.resizeObserver?.disconnect();
    this.recording.pause();
    this.recording.abort();
  }
}

/** Why the broker did not hand the file over, in words (from the status the tunnel made of the HTTP answer). */
export function downloadFailure(code: number): string {
  switch (code) {
    case Guacamole.Status.Code.RESOURCE_NOT_FOUND:
      return 'The recording no longer exists (or belongs to another organisation).';
    case Guacamole.Status.Code.CLIENT_FORBIDDEN:
    case Guacamole.Status.Code.CLIENT_UNAUTHORIZED:
      return 'You may not play this recording; sign in again if your sign-in expired.';
    default:
      return 'The broker could not hand the recording over.';
  }
}
