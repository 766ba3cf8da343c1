import { KEY_COMBOS, Keysym, keysymForChar, sendCombo, typeText } from './keyCombos';

const recorder = () => {
  const events: [number, number][] = [];
  return { events, sendKeyEvent: (pressed: 0 | 1, keysym: number) => events.push([pressed, keysym]) };
};

describe('sendCombo', () => {
  it('presses Ctrl, Alt, Del in order and releases them in reverse', () => {
    const sink = recorder();
    sendCombo(sink, KEY_COMBOS.find((c) => c.id === 'ctrl-alt-del')!);
    expect(sink.events).toEqual([
      [1, Keysym.Control_L],
      [1, Keysym.Alt_L],
      [1, Keysym.Delete],
      [0, Keysym.Delete],
      [0, Keysym.Alt_L],
      [0, Keysym.Control_L],
    ]);
  });

  it('has unique ids and labels for the menu', () => {
    expect(new Set(KEY_COMBOS.map((c) => c.id)).size).toBe(KEY_COMBOS.length);
    expect(KEY_COMBOS.every((c) => c.label && c.keysyms.length > 0)).toBe(true);
  });
});

describe('keysymForChar', () => {
  it('maps Latin-1 to itself, other characters to Unicode keysyms, and control characters to keys', () => {
    expect(keysymForChar('a')).toBe(0x61);
    expect(keysymForChar('é')).toBe(0xe9);
    expect(keysymForChar('€')).toBe(0x010020ac);
    expect(keysymForChar('\n')).toBe(Keysym.Return);
    expect(keysymForChar('\b')).toBe(Keysym.BackSpace);
  });
});

describe('typeText', () => {
  it('presses and releases each character', () => {
    const sink = recorder();
    typeText(sink, 'ls\n');
    expect(sink.events).toEqual([
      [1, 0x6c],
      [0, 0x6c],
      [1, 0x73],
      [0, 0x73],
      [1, Keysym.Return],
      [0, Keysym.Return],
    ]);
  });
});
