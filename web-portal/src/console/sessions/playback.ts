/** The state of a recording's playback, as the player's controls show it. */
export interface Playback {
  /** loading: frames are still being read; ready: it can play (paused at the start or where it was left). */
  status: 'loading' | 'ready' | 'playing' | 'paused' | 'error';
  /** Where playback is, in ms from the recording's first frame. */
  position: number;
  /** How long the recording is, in ms (grows while it loads). */
  duration: number;
  /** Whether the whole file has been read. */
  loaded: boolean;
  error?: string;
}

export const LOADING: Playback = { status: 'loading', position: 0, duration: 0, loaded: false };

/** What Guacamole.SessionRecording reports, and what the admin does. */
export type PlaybackEvent =
  | { type: 'progress'; duration: number }
  | { type: 'loaded'; duration: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'position'; position: number }
  | { type: 'error'; message: string };

/** The playback after an event. A position is never negative; an error is final. */
export function playback(state: Playback, event: PlaybackEvent): Playback {
  if (state.status === 'error') {
    return state;
  }
  switch (event.type) {
    case 'progress': {
      const duration = Math.max(state.duration, event.duration);
      // playable as soon as there are frames to play
      return { ...state, duration, status: state.status === 'loading' && duration > 0 ? 'ready' : state.status };
    }
    case 'loaded':
      return {
        ...state,
        loaded: true,
        duration: Math.max(state.duration, event.duration),
        status: state.status === 'loading' ? 'ready' : state.status,
      };
    case 'play':
      return { ...state, status: 'playing' };
    case 'pause':
      return { ...state, status: state.status === 'loading' ? 'loading' : 'paused' };
    case 'position':
      return { ...state, position: Math.max(0, event.position) };
    case 'error':
      return { ...state, status: 'error', error: event.message };
  }
}

/** Whether the play button can start playback now. */
export function canPlay(p: Playback): boolean {
  return p.status === 'ready' || p.status === 'paused';
}

/** Whether playback stopped at the end (pressing play starts from the beginning again). */
export function atEnd(p: Playback): boolean {
  return p.loaded && p.duration > 0 && p.position >= p.duration && p.status !== 'playing';
}

/** 65_000 → "1:05", 3_723_000 → "1:02:03". */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "0:12 of 1:05" (the seek bar's spoken value). */
export function positionWords(p: Playback): string {
  return `${clock(p.position)} of ${clock(p.duration)}`;
}

/** 1536 → "1.5 KB", 3_400_000 → "3.2 MB". */
export function sizeWords(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
