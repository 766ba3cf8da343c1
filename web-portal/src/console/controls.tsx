import { useEffect, useState, type ReactNode } from 'react';
import {
  Alert,
  AlertActionLink,
  Button,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  SearchInput,
  TextInput,
  ToolbarItem,
} from '@patternfly/react-core';

import type { HumanProblem } from '../problems/problemMessages';

/** A text filter: typed freely, applied with Enter (or cleared with its ×), so each key does not ask the broker. */
export function TextFilter({ label, value, onApply, placeholder }: { label: string; value: string; onApply(v: string): void; placeholder?: string }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <ToolbarItem>
      <SearchInput
        aria-label={label}
        submitSearchButtonLabel={`Apply: ${label}`}
        resetButtonLabel={`Clear: ${label}`}
        placeholder={placeholder ?? label}
        value={draft}
        onChange={(_e, v) => setDraft(v)}
        onSearch={(_e, v) => onApply(v.trim())}
        onClear={() => {
          setDraft('');
          onApply('');
        }}
        onBlur={() => draft.trim() !== value && onApply(draft.trim())}
      />
    </ToolbarItem>
  );
}

/** A choice filter (a native select: keyboard and screen readers know it), "" being "any". */
export function SelectFilter({
  id,
  label,
  value,
  options,
  onChange,
  anyLabel = 'Any',
}: {
  id: string;
  label: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  onChange(v: string): void;
  anyLabel?: string;
}) {
  return (
    <ToolbarItem>
      <label htmlFor={id} className="dp-filter-label">
        {label}
      </label>
      <FormSelect id={id} value={value} onChange={(_e, v) => onChange(v)} className="dp-filter-select">
        <FormSelectOption value="" label={anyLabel} />
        {options.map((o) => (
          <FormSelectOption key={o.value} value={o.value} label={o.label} />
        ))}
      </FormSelect>
    </ToolbarItem>
  );
}

/** A date-and-time filter (the browser's own picker), sent to the broker as an ISO instant. */
export function TimeFilter({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(iso: string): void }) {
  return (
    <ToolbarItem>
      <label htmlFor={id} className="dp-filter-label">
        {label}
      </label>
      <TextInput
        id={id}
        type="datetime-local"
        value={value ? isoToLocalInput(value) : ''}
        onChange={(_e, v) => onChange(v ? localInputToIso(v) : '')}
      />
    </ToolbarItem>
  );
}

/** "2026-12-05T10:00:00.000Z" → "2026-12-05T11:00" in the browser's zone (for datetime-local). */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return '';
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function localInputToIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** A time as people read it, with the exact instant in a tooltip-free title. */
export function When({ at }: { at: string | null | undefined }) {
  if (!at) {
    return <>—</>;
  }
  const d = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** A refusal in words, announced to screen readers. */
export function ProblemAlert({ problem, actions, testId }: { problem: HumanProblem | null; actions?: ReactNode; testId?: string }) {
  if (!problem) {
    return null;
  }
  return (
    <Alert variant={problem.severity} isInline title={problem.title} role="alert" data-testid={testId ?? 'problem'} actionLinks={actions} className="pf-v6-u-mb-md">
      {problem.message} {problem.action}
    </Alert>
  );
}

/** Asks before an action that cannot be undone; the confirming button names the action. */
export function ConfirmModal({
  title,
  children,
  confirmLabel,
  busy,
  problem,
  onConfirm,
  onCancel,
  danger = true,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  problem?: HumanProblem | null;
  onConfirm(): void;
  onCancel(): void;
  danger?: boolean;
}) {
  return (
    <Modal variant="small" isOpen onClose={onCancel} aria-labelledby="confirm-title" aria-describedby="confirm-body">
      <ModalHeader title={title} labelId="confirm-title" titleIconVariant={danger ? 'warning' : undefined} />
      <ModalBody id="confirm-body">
        <ProblemAlert problem={problem ?? null} testId="confirm-problem" />
        {children}
      </ModalBody>
      <ModalFooter>
        <Button variant={danger ? 'danger' : 'primary'} onClick={onConfirm} isLoading={busy} isDisabled={busy}>
          {confirmLabel}
        </Button>
        <Button variant="link" onClick={onCancel}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** A field's refusal under it (the id is what the field's aria-describedby names). */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) {
    return null;
  }
  return (
    <FormHelperText>
      <HelperText id={id}>
        <HelperTextItem variant="error">{message}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/** The alert of a save refused because another admin changed the object: their version can be loaded. */
export function StaleAlert({ problem, onReload }: { problem: HumanProblem; onReload(): void }) {
  return (
    <Alert
      variant="warning"
      isInline
      title={problem.title}
      role="alert"
      data-testid="stale-version"
      className="pf-v6-u-mb-md"
      actionLinks={<AlertActionLink onClick={onReload}>Reload their version</AlertActionLink>}
    >
      {problem.message} {problem.action}
    </Alert>
  );
}

/**
 * A labelled text field of a form: its refusal under it (named by aria-describedby), or else its help. `id` is the
 * field's id; the refusal's is `${id}-error`, the help's `${id}-help`.
 */
export function TextField(p: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  help?: ReactNode;
  required?: boolean;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  placeholder?: string;
}) {
  return (
    <FormGroup label={p.label} isRequired={p.required} fieldId={p.id}>
      <TextInput
        id={p.id}
        type={p.type ?? 'text'}
        isRequired={p.required}
        value={p.value}
        onChange={(_e, v) => p.onChange(v)}
        placeholder={p.placeholder}
        validated={p.error ? 'error' : 'default'}
        aria-invalid={!!p.error}
        aria-describedby={p.error ? `${p.id}-error` : p.help ? `${p.id}-help` : undefined}
        autoComplete={p.autoComplete ?? 'off'}
      />
      {p.error ? (
        <FieldError id={`${p.id}-error`} message={p.error} />
      ) : (
        p.help && (
          <FormHelperText>
            <HelperText id={`${p.id}-help`}>
              <HelperTextItem>{p.help}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        )
      )}
    </FormGroup>
  );
}
