import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';

import { ApiError } from '../../api/http';
import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import { FieldError, ProblemAlert } from '../controls';
import { fieldErrors as readFieldErrors } from '../editFlow';
import { powerSettingsErrors } from './hostLogic';
import type { SessionHostDetail } from './hostTypes';

/**
 * A session host's power settings: whether the broker may power it off when off-peak consolidation has drained it and
 * it stayed empty (and wake it before the forecast needs it), and how it is woken (Wake-on-LAN: the card's MAC and
 * where the magic packet goes).
 */
export function PowerModal({ host, onClose, onDone }: { host: SessionHostDetail; onClose(): void; onDone(): void }) {
  const { client } = useConsole();
  const [managed, setManaged] = useState(host.power.managed);
  const [wakeMac, setWakeMac] = useState(host.power.wakeMac ?? '');
  const [wakeAddress, setWakeAddress] = useState(host.power.wakeAddress ?? '');
  const [problem, setProblem] = useState<HumanProblem | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const own = powerSettingsErrors(wakeMac, wakeAddress);
    setErrors(own);
    if (Object.keys(own).length > 0) return;
    setBusy(true);
    setProblem(null);
    try {
      await client.send('PUT', `/api/v1/admin/session-hosts/${encodeURIComponent(host.id)}/power`, {
        managed,
        wakeMac: wakeMac.trim() || null,
        wakeAddress: wakeAddress.trim() || null,
      });
      onDone();
      onClose();
    } catch (err) {
      setProblem(humanError(err, 'admin'));
      setErrors(err instanceof ApiError ? readFieldErrors(err.problem) : {});
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal variant="medium" isOpen onClose={onClose} aria-labelledby="power-title">
      <ModalHeader title={`Power of ${host.name}`} labelId="power-title" />
      <ModalBody>
        <ProblemAlert problem={problem} />
        {!host.power.canPowerOff && (
          <p className="dp-secondary" data-testid="power-no-command">
            Its agent has no power-off command yet: set <code>power.off-command</code> (e.g. <code>systemctl poweroff</code>) in its
            configuration and restart it, or the broker cannot power it off.
          </p>
        )}
        <Form id="power-form" onSubmit={(e) => void submit(e)}>
          <FormGroup fieldId="power-managed">
            <Checkbox
              id="power-managed"
              label="Power it off when it is not needed, and wake it before it is"
              description="Off-peak, a shared pool in demand mode drains the hosts the next hour does not need; one that stays empty for 15 minutes is powered off, and woken an hour before the forecast needs it again."
              isChecked={managed}
              onChange={(_e, v) => setManaged(v)}
            />
          </FormGroup>
          <FormGroup label="Network card to wake (MAC)" fieldId="power-mac">
            <TextInput
              id="power-mac"
              value={wakeMac}
              placeholder={host.power.agentMac ?? '52:54:00:12:34:56'}
              onChange={(_e, v) => setWakeMac(v)}
              validated={errors.wakeMac ? 'error' : 'default'}
              aria-describedby={errors.wakeMac ? 'power-mac-error' : 'power-mac-help'}
            />
            <FieldError id="power-mac-error" message={errors.wakeMac} />
            {!errors.wakeMac && (
              <FormHelperText>
                <HelperText id="power-mac-help">
                  <HelperTextItem>
                    {host.power.agentMac ? `Empty: the card its agent reports (${host.power.agentMac}).` : 'Its agent reports no card: name the one to wake.'}
                  </HelperTextItem>
                </HelperText>
              </FormHelperText>
            )}
          </FormGroup>
          <FormGroup label="Send the magic packet to" fieldId="power-address">
            <TextInput
              id="power-address"
              value={wakeAddress}
              placeholder="255.255.255.255:9"
              onChange={(_e, v) => setWakeAddress(v)}
              validated={errors.wakeAddress ? 'error' : 'default'}
              aria-describedby={errors.wakeAddress ? 'power-address-error' : 'power-address-help'}
            />
            <FieldError id="power-address-error" message={errors.wakeAddress} />
            {!errors.wakeAddress && (
              <FormHelperText>
                <HelperText id="power-address-help">
                  <HelperTextItem>The broadcast address of the host&apos;s network (host or host:port); empty: the broker&apos;s local broadcast, port 9.</HelperTextItem>
                </HelperText>
              </FormHelperText>
            )}
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="power-form" isLoading={busy} isDisabled={busy}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
