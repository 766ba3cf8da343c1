import { LOADING, atEnd, canPlay, clock, playback, positionWords, sizeWords, type Playback, type PlaybackEvent } from './playback';

const run = (events: PlaybackEvent[], from: Playback = LOADING) => events.reduce(playback, from);

describe('a recording’s playback', () => {
  it('can play once its first frames are read, before the whole file is', () => {
    expect(canPlay(LOADING)).toBe(false);
    const first = run([{ type: 'progress', duration: 0 }]);
    expect(first.status).toBe('loading');
    const some = run([{ type: 'progress', duration: 1200 }]);
    expect(some).toMatchObject({ status: 'ready', duration: 1200, loaded: false });
    expect(canPlay(some)).toBe(true);
    expect(run([{ type: 'loaded', duration: 5000 }], some)).toMatchObject({ status: 'ready', duration: 5000, loaded: true });
  });

  it('plays, moves, pauses and plays again; the duration never shrinks', () => {
    const loaded = run([{ type: 'progress', duration: 3000 }, { type: 'loaded', duration: 5000 }]);
    const playing = run([{ type: 'play' }, { type: 'position', position: 1500 }, { type: 'progress', duration: 4000 }], loaded);
    expect(playing).toMatchObject({ status: 'playing', position: 1500, duration: 5000 });
    expect(canPlay(playing)).toBe(false);
    const paused = playback(playing, { type: 'pause' });
    expect(paused).toMatchObject({ status: 'paused', position: 1500 });
    expect(canPlay(paused)).toBe(true);
    expect(positionWords(paused)).toBe('0:01 of 0:05');
  });

  it('knows when it stopped at the end, and never goes before the start', () => {
    const loaded = run([{ type: 'loaded', duration: 5000 }]);
    const end = run([{ type: 'play' }, { type: 'position', position: 5000 }, { type: 'pause' }], loaded);
    expect(atEnd(end)).toBe(true);
    expect(atEnd(playback(end, { type: 'position', position: 0 }))).toBe(false);
    expect(playback(loaded, { type: 'position', position: -20 }).position).toBe(0);
  });

  it('stops at an error for good', () => {
    const failed = run([{ type: 'progress', duration: 100 }, { type: 'error', message: 'Invalid recording' }]);
    expect(failed).toMatchObject({ status: 'error', error: 'Invalid recording' });
    expect(run([{ type: 'play' }, { type: 'loaded', duration: 200 }], failed)).toBe(failed);
    expect(canPlay(failed)).toBe(false);
  });

  it('shows times and sizes as people read them', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65_400)).toBe('1:05');
    expect(clock(3_723_000)).toBe('1:02:03');
    expect(sizeWords(512)).toBe('512 B');
    expect(sizeWords(1536)).toBe('1.5 KB');
    expect(sizeWords(3_400_000)).toBe('3.2 MB');
  });
});
