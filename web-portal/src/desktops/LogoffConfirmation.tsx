import { Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';

/**
 * Asks before logging off: programs in the desktop are closed and unsaved work is lost. The same question from
 * the desktop list and from inside the desktop.
 */
export function LogoffConfirmation<T>({
  subject,
  name,
  onConfirm,
  onCancel,
}: {
  /** What would be logged off; the dialog is open while it is not null. */
  subject: T | null;
  /** The pool's name, for the question. */
  name: string;
  onConfirm(subject: T): void;
  onCancel(): void;
}) {
  return (
    <Modal isOpen={subject !== null} onClose={onCancel} variant="small" aria-labelledby="logoff-title" aria-describedby="logoff-body">
      <ModalHeader title={`Log off from ${name}?`} labelId="logoff-title" titleIconVariant="warning" />
      <ModalBody id="logoff-body">
        Programs in the desktop are closed and unsaved work is lost. To keep them running, disconnect instead.
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={() => subject !== null && onConfirm(subject)}>
          Log off
        </Button>
        <Button variant="link" onClick={onCancel}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
