import Guacamole from 'guacamole-common-js';

import { mountDisplay, type MountedDisplay } from '../../desktop/displayMount';
import { LOADING, atEnd, playback, type Playback, type PlaybackEvent } from './playback';

/**
 * Plays a session recording (the gateway's Guacamole instruction stream) in the page with
 * Guacamole.SessionRecording: its display fitted into `container`, play, pause and seek, and every change of the
 * playback reported to `onChange` ({@link Playback}).
 */
export class RecordingPlayer {
  private readonly recording: Guacamole.SessionRecording;
  private readonly mounted: MountedDisplay;
  private readonly resizeObserver: ResizeObserver | null;
  private state: Playback = LOADING;
  private disposed = false;

  constructor(
    container: HTMLElement,
    file: Blob,
    private readonly onChange: (p: Playback) => void,
  ) {
    // position updates at most every 250 ms while playing (the seek bar moves smoothly enough)
    this.recording = new Guacamole.SessionRecording(file, 250);
    this.mounted = mountDisplay(this.recording.getDisplay(), container);
    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.mounted.fit());
    this.resizeObserver?.observe(container);
    const r = this.recording;
    r.onprogress = (duration) => this.apply({ type: 'progress', duration });
    r.onload = () => this.apply({ type: 'loaded', duration: r.getDuration() });
    r.onerror = (message) => this.apply({ type: 'error', message });
    r.onplay = () => this.apply({ type: 'play' });
    r.onpause = () => {
      this.apply({ type: 'position', position: r.getPosition() });
      this.apply({ type: 'pause' });
    };
    r.onseek = (position) => this.apply({ type: 'position', position });
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
    this.resizeObserver?.disconnect();
    this.recording.pause();
    this.recording.abort();
  }
}
