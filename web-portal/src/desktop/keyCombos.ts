/** X11 keysyms of the keys the portal sends itself (the remote side receives them unchanged). */
export const Keysym = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Home: 0xff50,
  Left: 0xff51,
  Up: 0xff52,
  Right: 0xff53,
  Down: 0xff54,
  PageUp: 0xff55,
  PageDown: 0xff56,
  End: 0xff57,
  Print: 0xff61,
  Delete: 0xffff,
  F1: 0xffbe,
  F4: 0xffc1,
  F11: 0xffc8,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Super_L: 0xffeb,
} as const;

/** A key combination the browser or the local OS would otherwise catch. */
export interface KeyCombo {
  id: string;
  label: string;
  /** Pressed in this order, released in reverse. */
  keysyms: number[];
}

export const KEY_COMBOS: KeyCombo[] = [
  { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keysyms: [Keysym.Control_L, Keysym.Alt_L, Keysym.Delete] },
  { id: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace', keysyms: [Keysym.Control_L, Keysym.Alt_L, Keysym.BackSpace] },
  { id: 'alt-tab', label: 'Alt+Tab', keysyms: [Keysym.Alt_L, Keysym.Tab] },
  { id: 'alt-f4', label: 'Alt+F4', keysyms: [Keysym.Alt_L, Keysym.F4] },
  { id: 'ctrl-esc', label: 'Ctrl+Esc', keysyms: [Keysym.Control_L, Keysym.Escape] },
  { id: 'super', label: 'Windows / Super key', keysyms: [Keysym.Super_L] },
  { id: 'print', label: 'Print Screen', keysyms: [Keysym.Print] },
  { id: 'f11', label: 'F11', keysyms: [Keysym.F11] },
];

/** Something that takes key events (a Guacamole.Client). */
export interface KeySink {
  sendKeyEvent(pressed: 0 | 1, keysym: number): void;
}

/** Presses the combination's keys in order, then releases them in reverse order. */
export function sendCombo(sink: KeySink, combo: KeyCombo): void {
  combo.keysyms.forEach((k) => sink.sendKeyEvent(1, k));
  [...combo.keysyms].reverse().forEach((k) => sink.sendKeyEvent(0, k));
}

/** Keys of the on-screen key row of touch devices, which their soft keyboards do not have. */
export const TOUCH_KEYS: { label: string; keysym: number; sticky?: boolean }[] = [
  { label: 'Esc', keysym: Keysym.Escape },
  { label: 'Tab', keysym: Keysym.Tab },
  { label: 'Ctrl', keysym: Keysym.Control_L, sticky: true },
  { label: 'Alt', keysym: Keysym.Alt_L, sticky: true },
  { label: '←', keysym: Keysym.Left },
  { label: '↑', keysym: Keysym.Up },
  { label: '↓', keysym: Keysym.Down },
  { label: '→', keysym: Keysym.Right },
  { label: 'Home', keysym: Keysym.Home },
  { label: 'End', keysym: Keysym.End },
  { label: 'Del', keysym: Keysym.Delete },
];

/** The keysym of one typed character (Latin-1 maps to itself; other Unicode to 0x01000000 + code point). */
export function keysymForChar(ch: string): number {
  if (ch === '\n' || ch === '\r') {
    return Keysym.Return;
  }
  if (ch === '\b') {
    return Keysym.BackSpace;
  }
  if (ch === '\t') {
    return Keysym.Tab;
  }
  const cp = ch.codePointAt(0) ?? 0;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) {
    return cp;
  }
  return 0x01000000 | cp;
}

/** Types text as key presses and releases, one character after another. */
export function typeText(sink: KeySink, text: string): void {
  for (const ch of text) {
    const k = keysymForChar(ch);
    sink.sendKeyEvent(1, k);
    sink.sendKeyEvent(0, k);
  }
}
