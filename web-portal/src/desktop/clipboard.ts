/** Which way text may cross between the user's computer and the desktop, as the pool's policy allows. */
export interface ClipboardPolicy {
  /** Desktop → this computer. */
  copy: boolean;
  /** This computer → desktop. */
  paste: boolean;
}

export const CLIPBOARD_BOTH: ClipboardPolicy = { copy: true, paste: true };

/**
 * The policy from the session's `clipboardPolicy` (the pool's): BOTH, TO_DESKTOP (local → desktop only),
 * FROM_DESKTOP (desktop → local only) or NONE. No value means both ways. The broker's tunnel enforces it; the
 * portal only says so and does not offer what would be dropped.
 */
export function clipboardPolicy(value: unknown): ClipboardPolicy {
  switch (typeof value === 'string' ? value.toUpperCase() : undefined) {
    case 'NONE':
      return { copy: false, paste: false };
    case 'FROM_DESKTOP':
      return { copy: true, paste: false };
    case 'TO_DESKTOP':
      return { copy: false, paste: true };
    default:
      return CLIPBOARD_BOTH;
  }
}

/** What the pool allows, in the user's words. */
export function clipboardWords(p: ClipboardPolicy): string {
  if (p.copy && p.paste) {
    return 'Text can be copied and pasted both ways between this computer and the desktop.';
  }
  if (p.paste) {
    return 'You can paste text into the desktop. Your IT administrator keeps what is copied in the desktop inside it.';
  }
  if (p.copy) {
    return 'You can copy text out of the desktop. Your IT administrator has turned pasting into it off.';
  }
  return 'Your IT administrator has turned the clipboard off for this desktop.';
}
