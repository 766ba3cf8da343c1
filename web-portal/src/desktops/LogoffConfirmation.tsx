import { Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';

/**
 * Asks before logging off: programs in the desktop are closed and unsaved work is lost. Used by the pool's
 * card and by the desktop's own toolbar, so both ask the same way.
 */
export function LogoffConfirmation<P extends { name: string }>({
  pool,
  onConfirm,
  onCancel,
}: {
  pool: P | null;
  onConfirm(pool: P): void;
  onCancel(): void;
}) {
  return (
    <Modal isOpen={pool !== null} onClose={onCancel} variant="small" aria-labelledby="logoff-title" aria-describedby="logoff-body">
      <ModalHeader title={`Log off from ${pool?.name ?? ''}?`} labelId="logoff-title" titleIconVariant="warning" />
      <ModalBody id="logoff-body">
        Programs in the desktop are closed and unsaved work is lost. To keep them running, disconnect instead.
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={() => pool && onConfirm(pool)}>
          Log off
        </Button>
        <Button variant="link" onClick={onCancel}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
