/**
 * What the user is told while someone from IT watches their screen. The broker sends, down the user's own tunnel,
 * its instruction `deskport-shadow,<started|ended>,<shadow id>,<viewer's name>;` for pools that announce shadowing;
 * guacamole-common-js ignores opcodes it does not know, the desktop picks this one out.
 */

export const SHADOW_OPCODE = 'deskport-shadow';

/** One shadow starting or ending. */
export interface ShadowEvent {
  state: 'started' | 'ended';
  /** Tells two people watching at once apart. */
  id: string;
  /** The admin's or help-desk agent's display name. */
  viewer: string;
}

/** Who watches now, and who stopped last (shown for a while after). */
export interface ShadowWatch {
  watching: ReadonlyArray<{ id: string; viewer: string }>;
  stopped: { id: string; viewer: string } | null;
}

export const NOBODY_WATCHING: ShadowWatch = { watching: [], stopped: null };

/** The broker's notice, or null for any other instruction (or a malformed one). */
export function parseShadowInstruction(opcode: string, args: readonly unknown[]): ShadowEvent | null {
  if (opcode !== SHADOW_OPCODE || args.length < 3) {
    return null;
  }
  const [state, id, viewer] = args;
  if ((state !== 'started' && state !== 'ended') || typeof id !== 'string' || !id || typeof viewer !== 'string') {
    return null;
  }
  return { state, id, viewer: viewer.trim() || 'Someone' };
}

/** The watch after an event: a start adds the viewer (once), an end removes them and is remembered as the last. */
export function applyShadowEvent(watch: ShadowWatch, event: ShadowEvent): ShadowWatch {
  const others = watch.watching.filter((w) => w.id !== event.id);
  if (event.state === 'started') {
    return { watching: [...others, { id: event.id, viewer: event.viewer }], stopped: null };
  }
  return { watching: others, stopped: { id: event.id, viewer: event.viewer } };
}

function names(viewers: readonly string[]): string {
  const unique = [...new Set(viewers)];
  if (unique.length <= 1) {
    return unique[0] ?? '';
  }
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/** "Helen Park from IT is viewing your screen", or null when nobody is. */
export function watchingWords(watch: ShadowWatch): string | null {
  const viewers = watch.watching.map((w) => w.viewer);
  if (viewers.length === 0) {
    return null;
  }
  const plural = new Set(viewers).size > 1;
  return `${names(viewers)} from IT ${plural ? 'are' : 'is'} viewing your screen`;
}

/** "Helen Park from IT stopped viewing your screen", or null. */
export function stoppedWords(watch: ShadowWatch): string | null {
  return watch.stopped ? `${watch.stopped.viewer} from IT stopped viewing your screen` : null;
}
