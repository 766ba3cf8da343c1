import type { ConsoleFailure, PoolKind, Session } from '../api/types';

/** What happened when the desktop could not be reached, in the user's words. */
const CONSOLE_FAILURE_WORDS: Record<ConsoleFailure, string> = {
  REFUSED: 'Your desktop refused the connection: it may be switched off or restarting, or its remote display is not running.',
  UNREACHABLE: 'Your desktop cannot be reached on the network.',
  TIMEOUT: 'Your desktop did not answer in time.',
  AUTHENTICATION_FAILED: 'Your desktop did not accept the connection (its remote-display password does not match what IT registered).',
  ERROR: 'Your desktop answered, but not in a way that can be displayed.',
};

export function consoleFailureWords(failure: ConsoleFailure | null | undefined): string {
  return (failure && CONSOLE_FAILURE_WORDS[failure]) ?? 'Your desktop could not be reached.';
}

/** What the user can do once the broker gave up on an unreachable desktop, by kind of pool. */
export function unreachableNextStep(kind: PoolKind | null | undefined): string {
  switch (kind) {
    case 'PERSISTENT':
      return 'Your personal desktop has been reported to your IT help desk and needs their attention; contact them if it is urgent.';
    case 'POOLED':
      return 'The desktop has been taken out of service and reported to your IT help desk. Connect again to get another one.';
    default:
      return 'It has been reported to your IT help desk. Connect again in a few minutes; if it keeps failing, contact them.';
  }
}

/** "your IT help desk (Helen Park)", or just "your IT help desk". */
export function helpDeskWords(changedBy: Session['changedBy']): string {
  return changedBy?.displayName ? `your IT help desk (${changedBy.displayName})` : 'your IT help desk';
}

/** A session's end in words: what happened, who did it when someone else did, and what to do next. */
export function endedWords(session: Session | null): string {
  if (!session) {
    return 'The session is over.';
  }
  switch (session.endReason) {
    case 'DESKTOP_UNREACHABLE':
      return `${consoleFailureWords(session.consoleProblem?.failure)} The session was ended after ${
        session.consoleProblem?.attempts ?? 'several'
      } ${session.consoleProblem?.attempts === 1 ? 'attempt' : 'attempts'}. ${unreachableNextStep(session.poolKind)}`;
    case 'ADMIN_LOGOFF':
      return `You were logged off by ${helpDeskWords(session.changedBy)}. Connect again to start a new session.`;
    default:
      return endReasonWords(session.endReason);
  }
}

const END_REASON_WORDS: Record<string, string> = {
  LOGOFF: 'You logged off.',
  ADMIN_LOGOFF: 'Your IT help desk logged you off.',
  DISCONNECT_TIMEOUT: 'It was logged off after being disconnected too long.',
  IDLE_TIMEOUT: 'It was ended after a long time without activity.',
  MAX_SESSION_LENGTH: 'It reached the longest time a session may run.',
  PROVISIONING_FAILED: 'The desktop could not be prepared. Try again or contact IT.',
  HOST_LOST: 'The server running it stopped responding. Connect again to get a new session.',
  RESOURCE_REMOVED: 'Its desktop was removed by your IT administrator.',
  SESSION_EXITED: 'The desktop session ended by itself (logged off inside the desktop, or it stopped).',
  DESKTOP_UNREACHABLE: 'Your desktop could not be reached, so the session was ended and reported to your IT help desk.',
};

/** Words for why a session ended. */
export function endReasonWords(reason: string | null | undefined): string {
  return (reason && END_REASON_WORDS[reason]) ?? 'The session is over.';
}
