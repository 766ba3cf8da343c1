import { NOBODY_WATCHING, applyShadowEvent, parseShadowInstruction, stoppedWords, watchingWords } from './shadowNotices';

describe('the broker’s shadow notices on the user’s tunnel', () => {
  it('are picked out of the desktop’s instructions, and nothing else is', () => {
    expect(parseShadowInstruction('deskport-shadow', ['started', 's1', 'Helen Park'])).toEqual({ state: 'started', id: 's1', viewer: 'Helen Park' });
    expect(parseShadowInstruction('deskport-shadow', ['ended', 's1', 'Helen Park'])).toEqual({ state: 'ended', id: 's1', viewer: 'Helen Park' });
    expect(parseShadowInstruction('sync', ['1000', '1'])).toBeNull();
    expect(parseShadowInstruction('deskport-shadow', ['paused', 's1', 'Helen Park'])).toBeNull();
    expect(parseShadowInstruction('deskport-shadow', ['started', '', 'Helen Park'])).toBeNull();
    expect(parseShadowInstruction('deskport-shadow', ['started', 's1'])).toBeNull();
    expect(parseShadowInstruction('deskport-shadow', ['started', 's1', '  '])?.viewer).toBe('Someone');
  });

  it('say who views the screen while they do, and who stopped after', () => {
    let watch = applyShadowEvent(NOBODY_WATCHING, { state: 'started', id: 's1', viewer: 'Helen Park' });
    expect(watchingWords(watch)).toBe('Helen Park from IT is viewing your screen');
    expect(stoppedWords(watch)).toBeNull();

    watch = applyShadowEvent(watch, { state: 'started', id: 's2', viewer: 'Sam Lee' });
    expect(watchingWords(watch)).toBe('Helen Park and Sam Lee from IT are viewing your screen');
    // the same start twice (a repeated notice) counts once
    watch = applyShadowEvent(watch, { state: 'started', id: 's2', viewer: 'Sam Lee' });
    expect(watch.watching).toHaveLength(2);

    watch = applyShadowEvent(watch, { state: 'ended', id: 's1', viewer: 'Helen Park' });
    expect(watchingWords(watch)).toBe('Sam Lee from IT is viewing your screen');
    watch = applyShadowEvent(watch, { state: 'ended', id: 's2', viewer: 'Sam Lee' });
    expect(watchingWords(watch)).toBeNull();
    expect(stoppedWords(watch)).toBe('Sam Lee from IT stopped viewing your screen');
  });

  it('name one person once, even in two views, and say so of an end whose start came before the page', () => {
    let watch = applyShadowEvent(NOBODY_WATCHING, { state: 'started', id: 's1', viewer: 'Helen Park' });
    watch = applyShadowEvent(watch, { state: 'started', id: 's2', viewer: 'Helen Park' });
    expect(watchingWords(watch)).toBe('Helen Park from IT is viewing your screen');
    expect(stoppedWords(applyShadowEvent(NOBODY_WATCHING, { state: 'ended', id: 's9', viewer: 'Sam Lee' }))).toBe(
      'Sam Lee from IT stopped viewing your screen',
    );
  });
});
