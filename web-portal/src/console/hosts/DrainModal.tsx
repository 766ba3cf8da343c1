import { useEffect, useState } from 'react';
import { Button, Label, Modal, ModalBody, ModalFooter, ModalHeader, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import type { AdminClient } from '../adminApi';
import { ProblemAlert, When } from '../controls';
import { drainBlockedWords, drainMoveWords, drainSummary } from './hostLogic';
import type { HostDrain } from './hostTypes';

/** How often the drain is read again while desktops are moving or left on the host. */
const REFRESH_MS = 2000;

/**
 * A host's drain (platform admins): what is moving where, what moved lately, and each desktop that cannot move with
 * the reason in words. Read again every two seconds while the host is in maintenance and not empty.
 */
export function DrainModal({ client, hostId, hostName, onClose }: { client: AdminClient; hostId: string; hostName: string; onClose(): void }) {
  const [drain, setDrain] = useState<HostDrain | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const d = (await client.get<HostDrain>(`/api/v1/admin/hypervisor-hosts/${encodeURIComponent(hostId)}/drain`)).value;
        if (stopped) return;
        setDrain(d);
        setProblem(null);
        if (d.maintenance && d.desktopsOnHost > 0) timer = setTimeout(() => void read(), REFRESH_MS);
      } catch (e) {
        if (stopped) return;
        setProblem(humanError(e, 'admin'));
        timer = setTimeout(() => void read(), REFRESH_MS * 3);
      }
    };
    void read();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [client, hostId]);

  return (
    <Modal variant="large" isOpen onClose={onClose} aria-labelledby="drain-title">
      <ModalHeader
        title={`Drain of ${hostName}`}
        labelId="drain-title"
        description="In maintenance, a host's users' desktops move to other hosts: running ones live (their users keep working), stopped ones cold. Free desktops are removed and made again elsewhere."
      />
      <ModalBody>
        <ProblemAlert problem={problem} />
        {!drain ? (
          !problem && <Spinner aria-label="Loading the drain" />
        ) : (
          <>
            <p data-testid="drain-summary">{drainSummary(drain)}</p>
            {drain.blocked.length > 0 && (
              <Table aria-label="Desktops that cannot move" variant="compact" data-testid="drain-blocked">
                <Thead>
                  <Tr>
                    <Th>Cannot move</Th>
                    <Th>Why</Th>
                    <Th>Since</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {drain.blocked.map((b) => (
                    <Tr key={b.desktopId}>
                      <Td dataLabel="Desktop">{b.desktopName ?? b.desktopId}</Td>
                      <Td dataLabel="Why">
                        {drainBlockedWords(b.reason)}
                        <div className="dp-secondary">{b.detail}</div>
                      </Td>
                      <Td dataLabel="Since">
                        <When at={b.since} />
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
            {drain.moves.length > 0 ? (
              <Table aria-label="Moves off this host" variant="compact" data-testid="drain-moves">
                <Thead>
                  <Tr>
                    <Th>Desktop</Th>
                    <Th>To</Th>
                    <Th>State</Th>
                    <Th>Started</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {drain.moves.map((m) => {
                    const s = drainMoveWords(m);
                    return (
                      <Tr key={`${m.desktopId}-${m.createdAt}`}>
                        <Td dataLabel="Desktop">{m.desktopName ?? m.desktopId}</Td>
                        <Td dataLabel="To">{m.targetHostName ?? 'a removed host'}</Td>
                        <Td dataLabel="State">
                          <Label color={s.colour} isCompact>
                            {s.label}
                          </Label>
                          {m.state === 'FAILED' && m.errorDetail && <div className="dp-secondary">{m.errorDetail}</div>}
                        </Td>
                        <Td dataLabel="Started">
                          <When at={m.createdAt} />
                        </Td>
                      </Tr>
                    );
                  })}
                </Tbody>
              </Table>
            ) : (
              <p className="dp-secondary">No desktop has moved off this host yet.</p>
            )}
          </>
        )}
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
