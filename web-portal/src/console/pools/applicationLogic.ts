import { ApiError } from '../../api/http';

/** An application published on a SHARED pool, as the admin API answers it. */
export interface PublishedApplication {
  id: string;
  poolId: string;
  name: string;
  command: string;
  arguments: string[];
  workingDirectory: string | null;
  icon: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the form edits: arguments one per line. */
export interface ApplicationForm {
  name: string;
  command: string;
  arguments: string;
  workingDirectory: string;
  icon: string | null;
}

export const EMPTY_FORM: ApplicationForm = { name: '', command: '', arguments: '', workingDirectory: '', icon: null };

/** The broker's limit on an icon, decoded (48 KiB). */
export const MAX_ICON_BYTES = 48 * 1024;

export function formOf(app: PublishedApplication): ApplicationForm {
  return {
    name: app.name,
    command: app.command,
    arguments: app.arguments.join('\n'),
    workingDirectory: app.workingDirectory ?? '',
    icon: app.icon,
  };
}

/** The request body of a publish or change: empty lines of the arguments dropped, an empty directory as none. */
export function bodyOf(form: ApplicationForm) {
  return {
    name: form.name.trim(),
    command: form.command.trim(),
    arguments: form.arguments.split('\n').map((a) => a.trim()).filter((a) => a.length > 0),
    workingDirectory: form.workingDirectory.trim() === '' ? null : form.workingDirectory.trim(),
    icon: form.icon,
  };
}

/** The form's own checks, before the broker's: field → message. */
export function formErrors(form: ApplicationForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (form.name.trim() === '') errors.name = 'Give the application a name users recognise.';
  if (form.command.trim() === '') errors.command = 'Name the program to run, e.g. /usr/bin/libreoffice.';
  const dir = form.workingDirectory.trim();
  if (dir !== '' && !dir.startsWith('/')) errors.workingDirectory = 'An absolute path, starting with /.';
  return errors;
}

/** Why an icon file cannot be used, or null when it can (PNG or SVG, at most 48 KiB). */
export function iconFileProblem(file: { type: string; size: number; name: string }): string | null {
  if (file.type !== 'image/png' && file.type !== 'image/svg+xml') {
    return `${file.name} is not a PNG or SVG image.`;
  }
  if (file.size > MAX_ICON_BYTES) {
    return `${file.name} is ${Math.ceil(file.size / 1024)} KiB; an icon may have at most 48 KiB.`;
  }
  return null;
}

/** The broker's field errors of a refused publish or change (errors[] of VALIDATION_FAILED), by form field. */
export function serverFieldErrors(e: unknown): Record<string, string> {
  if (!(e instanceof ApiError) || !Array.isArray(e.problem.errors)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const err of e.problem.errors as { field?: string; message?: string }[]) {
    if (typeof err.field === 'string') {
      const field = err.field.startsWith('arguments') ? 'arguments' : err.field;
      out[field] = `The broker refused it: ${err.message ?? 'not valid'}.`;
    }
  }
  return out;
}
