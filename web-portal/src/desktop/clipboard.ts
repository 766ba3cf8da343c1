/** Which way text may cross between the user's computer and the desktop, as the pool's policy allows. */
export interface ClipboardPolicy {
  /** Desktop → this computer. */
  copy: boolean;
  /** This computer → desktop. */
  paste: boolean;
}

export const CLIPBOARD_BOTH: ClipboardPolicy = { copy: true, paste: true };

/**
 * The policy from the broker's value (e.g. a pool or tunnel field `clipboard`: BOTH, COPY_ONLY
 * (desktop → local), PASTE_ONLY (local → desktop), NONE). No value means both ways.
 */
export function clipboardPolicy(value: unknown): ClipboardPolicy {
  switch (typeof value === 'string' ? value.toUpperCase() : undefined) {
    case 'NONE':
    case 'DISABLED':
      return { copy: false, paste: false };
    case 'COPY_ONLY':
    case 'TO_CLIENT':
      return { copy: true, paste: false };
    case 'PASTE_ONLY':
    case 'TO_DESKTOP':
      return { copy: false, paste: true };
    default:
      return CLIPBOARD_BOTH;
  }
}
