import { useEffect, useState } from 'react';
import {
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  EmptyState,
  EmptyStateBody,
  Flex,
  FlexItem,
  Label,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import { EyeIcon, PlayIcon } from '@patternfly/react-icons';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { humanError, type HumanProblem } from '../../problems/problemMessages';
import { useConsole } from '../ConsoleContext';
import type { AdminSession, SessionRecordingFile } from '../adminTypes';
import { ProblemAlert, When } from '../controls';
import { sessionStateWords } from '../words';
import { sizeWords } from './playback';

/** The console's paths of a session's pages. */
export const sessionPath = (id: string) => `/console/sessions/${encodeURIComponent(id)}`;
export const shadowPath = (id: string) => `${sessionPath(id)}/shadow`;
export const recordingPath = (id: string, name: string) => `${sessionPath(id)}/recordings/${encodeURIComponent(name)}`;

/** Whether the console offers to watch the session: its user is attached now. */
export const canShadow = (s: Pick<AdminSession, 'state'>) => s.state === 'CONNECTED';

/** One session: who, where, its state; watch it while its user is attached; its recordings, each playable. */
export function SessionPage() {
  const { sessionId = '' } = useParams();
  const { client } = useConsole();
  const navigate = useNavigate();
  const [session, setSession] = useState<AdminSession | null>(null);
  const [recordings, setRecordings] = useState<SessionRecordingFile[] | null>(null);
  const [problem, setProblem] = useState<HumanProblem | null>(null);

  useEffect(() => {
    let active = true;
    client
      .get<AdminSession>(`/api/v1/admin/sessions/${encodeURIComponent(sessionId)}`)
      .then((s) => active && setSession(s.value))
      .catch((e) => active && setProblem(humanError(e, 'admin')));
    client
      .get<SessionRecordingFile[]>(`/api/v1/admin/sessions/${encodeURIComponent(sessionId)}/recordings`)
      .then((r) => active && setRecordings(Array.isArray(r.value) ? r.value : []))
      .catch(() => active && setRecordings([]));
    return () => {
      active = false;
    };
  }, [client, sessionId]);

  const title = session ? `${session.username} in ${session.poolName}` : 'Session';
  return (
    <PageSection>
      <Breadcrumb className="pf-v6-u-mb-md">
        <BreadcrumbItem>
          <Link to="/console/sessions">Sessions</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>{title}</BreadcrumbItem>
      </Breadcrumb>
      <ProblemAlert problem={problem} />
      {!session && !problem && <Spinner aria-label="Loading the session" />}
      {session && (
        <>
          <Title headingLevel="h1">
            {title} <Label>{sessionStateWords(session.state)}</Label>
          </Title>
          <DescriptionList isCompact isHorizontal columnModifier={{ lg: '3Col' }} className="pf-v6-u-my-md">
            <DescriptionListGroup>
              <DescriptionListTerm>User</DescriptionListTerm>
              <DescriptionListDescription>
                <Link to={`/console/sessions?userId=${encodeURIComponent(session.userId)}&state=ALL`}>{session.username}</Link>
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Pool</DescriptionListTerm>
              <DescriptionListDescription>
                <Link to={`/console/pools/${encodeURIComponent(session.poolId)}`}>{session.poolName}</Link>
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Machine</DescriptionListTerm>
              <DescriptionListDescription>{session.machineName ?? '—'}</DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Started</DescriptionListTerm>
              <DescriptionListDescription>
                <When at={session.createdAt} />
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>State since</DescriptionListTerm>
              <DescriptionListDescription>
                <When at={session.stateChangedAt} />
              </DescriptionListDescription>
            </DescriptionListGroup>
            <DescriptionListGroup>
              <DescriptionListTerm>Last input</DescriptionListTerm>
              <DescriptionListDescription>
                <When at={session.lastActivityAt} />
              </DescriptionListDescription>
            </DescriptionListGroup>
          </DescriptionList>
          <Flex className="pf-v6-u-mb-md" alignItems={{ default: 'alignItemsCenter' }}>
            <FlexItem>
              <Button
                variant="primary"
                icon={<EyeIcon />}
                isDisabled={!canShadow(session)}
                onClick={() => navigate(shadowPath(session.id))}
                aria-label={`Shadow ${session.username}’s screen in ${session.poolName} (view only)`}
              >
                Shadow
              </Button>
            </FlexItem>
            <FlexItem className="dp-secondary">
              {canShadow(session)
                ? 'Watch the user’s screen, view only: nothing you type or click reaches it.'
                : 'Only a session whose user is connected now can be watched.'}
            </FlexItem>
            <FlexItem>
              <Link to={`/console/audit?objectType=SESSION&objectId=${encodeURIComponent(session.id)}`}>Audit trail of this session</Link>
            </FlexItem>
          </Flex>
        </>
      )}
      <section aria-labelledby="session-recordings">
        <Title headingLevel="h2" id="session-recordings" className="pf-v6-u-mt-lg pf-v6-u-mb-sm">
          Recordings
        </Title>
        <Recordings sessionId={sessionId} recordings={recordings} />
      </section>
    </PageSection>
  );
}

function Recordings({ sessionId, recordings }: { sessionId: string; recordings: SessionRecordingFile[] | null }) {
  if (recordings === null) {
    return <Spinner size="md" aria-label="Loading the recordings" />;
  }
  if (recordings.length === 0) {
    return (
      <EmptyState titleText="No recordings" headingLevel="h3" variant="sm">
        <EmptyStateBody>
          Sessions are recorded when their pool says so (“Record every session”): each time the user opens their desktop
          makes one recording.
        </EmptyStateBody>
      </EmptyState>
    );
  }
  return (
    <>
      <Content component="p" className="dp-secondary">
        One recording per time the user opened their desktop, oldest first.
      </Content>
      <Table aria-label="Recordings" variant="compact">
        <Thead>
          <Tr>
            <Th>Recording</Th>
            <Th>Last written</Th>
            <Th>Size</Th>
            <Th screenReaderText="Actions" />
          </Tr>
        </Thead>
        <Tbody>
          {recordings.map((r, i) => (
            <Tr key={r.name}>
              <Td dataLabel="Recording">#{i + 1}</Td>
              <Td dataLabel="Last written">
                <When at={r.modifiedAt} />
              </Td>
              <Td dataLabel="Size">{sizeWords(r.bytes)}</Td>
              <Td dataLabel="Actions" isActionCell>
                <Button
                  variant="secondary"
                  size="sm"
                  icon={<PlayIcon />}
                  component={(props: object) => <Link {...props} to={recordingPath(sessionId, r.name)} />}
                  aria-label={`Play recording #${i + 1}`}
                >
                  Play
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </>
  );
}
