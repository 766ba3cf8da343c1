import { useState } from 'react';
import { Button } from '@patternfly/react-core';

import { TOUCH_KEYS } from './keyCombos';

/**
 * The on-screen keyboard of touch devices: a text field that opens the device's own keyboard (its
 * input is typed into the desktop) and the keys soft keyboards lack, with sticky Ctrl and Alt.
 */
export function TouchKeys({
  onKey,
  onText,
}: {
  onKey(keysym: number, pressed: boolean): void;
  onText(text: string): void;
}) {
  const [held, setHeld] = useState<Set<number>>(new Set());

  function releaseHeld() {
    held.forEach((k) => onKey(k, false));
    setHeld(new Set());
  }

  function press(keysym: number, sticky?: boolean) {
    if (sticky) {
      const next = new Set(held);
      if (next.has(keysym)) {
        next.delete(keysym);
        onKey(keysym, false);
      } else {
        next.add(keysym);
        onKey(keysym, true);
      }
      setHeld(next);
      return;
    }
    onKey(keysym, true);
    onKey(keysym, false);
    releaseHeld();
  }

  return (
    <div className="dp-touch-keys" role="toolbar" aria-label="On-screen keys">
      <input
        type="text"
        aria-label="Type into the desktop"
        placeholder="Tap here to type"
        autoCapitalize="off"
        autoComplete="off"
        autoCorrect="off"
        spellCheck={false}
        value=""
        onChange={(e) => {
          if (e.target.value) {
            onText(e.target.value);
            releaseHeld();
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            onText('\n');
            e.preventDefault();
          } else if (e.key === 'Backspace') {
            onText('\b');
            e.preventDefault();
          }
        }}
      />
      {TOUCH_KEYS.map((k) => (
        <Button
          key={k.label}
          variant={held.has(k.keysym) ? 'primary' : 'secondary'}
          size="sm"
          aria-pressed={k.sticky ? held.has(k.keysym) : undefined}
          onClick={() => press(k.keysym, k.sticky)}
        >
          {k.label}
        </Button>
      ))}
    </div>
  );
}
