import { Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';

import type { MyPool } from '../api/types';

/** Asks before logging off: programs in the desktop are closed and unsaved work is lost. */
export function LogoffConfirmation({
  pool,
  onConfirm,
  onCancel,
}: {
  pool: MyPool | null;
  onConfirm(pool: MyPool): void;
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
