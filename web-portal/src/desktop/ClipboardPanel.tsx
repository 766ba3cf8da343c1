import { useEffect, useState } from 'react';
import { Alert, Button, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextArea } from '@patternfly/react-core';

import { clipboardWords, type ClipboardPolicy } from './clipboard';

/**
 * Moves text between this computer and the desktop by hand, for browsers that do not let the page read
 * the local clipboard. What the desktop copies appears here (and in the local clipboard when allowed).
 */
export function ClipboardPanel({
  open,
  policy,
  remoteText,
  onSend,
  onClose,
}: {
  open: boolean;
  policy: ClipboardPolicy;
  remoteText: string;
  onSend(text: string): void;
  onClose(): void;
}) {
  const [text, setText] = useState(remoteText);
  useEffect(() => setText(remoteText), [remoteText]);
  return (
    <Modal isOpen={open} onClose={onClose} variant="small" aria-labelledby="clipboard-title">
      <ModalHeader title="Clipboard" labelId="clipboard-title" />
      <ModalBody>
        <Alert variant="info" isInline isPlain={policy.copy && policy.paste} title={clipboardWords(policy)} data-testid="clipboard-policy" className="pf-v6-u-mb-md" />
        {(policy.copy || policy.paste) && (
          <Form onSubmit={(e) => e.preventDefault()}>
            <FormGroup
              label={policy.paste ? 'Text for the desktop’s clipboard' : 'Text copied in the desktop'}
              fieldId="clipboard-text"
            >
              <TextArea
                id="clipboard-text"
                value={text}
                onChange={(_e, v) => setText(v)}
                readOnly={!policy.paste}
                rows={6}
                resizeOrientation="vertical"
              />
            </FormGroup>
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        {policy.paste && (
          <Button
            variant="primary"
            onClick={() => {
              onSend(text);
              onClose();
            }}
          >
            Send to desktop
          </Button>
        )}
        <Button variant="link" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
