import { ApiError } from '../api/http';

/** What the password form shows after an attempt: which field is wrong and why, or a general problem. */
export interface PasswordFormProblem {
  field: 'currentPassword' | 'newPassword' | 'repeat' | null;
  message: string;
}

/** The broker's default; the signed-in user's `passwordMinLength` says what this broker asks. */
export const MIN_PASSWORD_LENGTH = 12;

/** Checks the form before asking the broker; null when it may be sent. */
export function checkPasswordForm(current: string, next: string, repeat: string, minLength = MIN_PASSWORD_LENGTH): PasswordFormProblem | null {
  if (!current) {
    return { field: 'currentPassword', message: 'Type your current password.' };
  }
  if (next.length < minLength) {
    return { field: 'newPassword', message: `The new password needs at least ${minLength} characters.` };
  }
  if (next === current) {
    return { field: 'newPassword', message: 'The new password must differ from the current one.' };
  }
  if (next !== repeat) {
    return { field: 'repeat', message: 'The two new passwords are not the same.' };
  }
  return null;
}

/** The broker's refusal of a password change, in the form's words. */
export function passwordChangeProblem(e: unknown): PasswordFormProblem {
  if (e instanceof ApiError) {
    if (e.reason === 'TOO_MANY_ATTEMPTS') {
      return {
        field: null,
        message: `Too many wrong passwords. Wait ${e.retryAfter ?? 'a few'} seconds and try again.`,
      };
    }
    const errors = Array.isArray(e.problem.errors) ? (e.problem.errors as { field?: string }[]) : [];
    if (errors.some((x) => x.field === 'currentPassword')) {
      return { field: 'currentPassword', message: 'Your current password is not right.' };
    }
    if (errors.some((x) => x.field === 'newPassword')) {
      return { field: 'newPassword', message: e.problem.detail ?? 'The new password is not accepted.' };
    }
  }
  return { field: null, message: 'Your password could not be changed. Try again in a moment.' };
}
