import { useEffect, useRef, useState } from 'react';
import { Alert, Breadcrumb, BreadcrumbItem, Button, Flex, FlexItem, Label, PageSection, Spinner, Title } from '@patternfly/react-core';
import { EyeIcon } from '@patternfly/react-icons';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { useConsole } from '../ConsoleContext';
import type { AdminSession, ShadowTicket } from '../adminTypes';
import { ProblemAlert } from '../controls';
import { ShadowViewer, type ShadowPhase } from './ShadowViewer';
import { sessionPath } from './SessionPage';

/**
 * Watching a user's screen, view only: the screen scaled to fit, labelled "View only", nothing of the admin's
 * keyboard or mouse captured, and a Stop button. The view ends by itself when the user's screen closes.
 */
export function ShadowPage() {
  const { sessionId = '' } = useParams();
  const { client } = useConsole();
  const navigate = useNavigate();
  const screen = useRef<HTMLDivElement>(null);
  const viewer = useRef<ShadowViewer | null>(null);
  const [session, setSession] = useState<AdminSession | null>(null);
  const [phase, setPhase] = useState<ShadowPhase>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    client
      .get<AdminSession>(`/api/v1/admin/sessions/${encodeURIComponent(sessionId)}`)
      .then((s) => active && setSession(s.value))
      .catch(() => undefined); // the shadow's own refusal says what is wrong
    return () => {
      active = false;
    };
  }, [client, sessionId]);

  useEffect(() => {
    const container = screen.current;
    if (!container) {
      return;
    }
    let active = true;
    const v = new ShadowViewer(
      container,
      async () => (await client.send<ShadowTicket>('POST', `/api/v1/admin/sessions/${encodeURIComponent(sessionId)}/shadow`)).value,
      (p) => active && setPhase(p),
    );
    viewer.current = v;
    void v.start();
    return () => {
      active = false;
      v.stop();
      viewer.current = null;
    };
  }, [client, sessionId, attempt]);

  const who = session ? `${session.username}’s screen in ${session.poolName}` : 'The user’s screen';
  const stop = () => {
    viewer.current?.stop();
    navigate(sessionPath(sessionId));
  };

  return (
    <PageSection className="dp-shadow">
      <Breadcrumb className="pf-v6-u-mb-sm">
        <BreadcrumbItem>
          <Link to="/console/sessions">Sessions</Link>
        </BreadcrumbItem>
        <BreadcrumbItem>
          <Link to={sessionPath(sessionId)}>{session ? `${session.username} in ${session.poolName}` : 'Session'}</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>Shadow</BreadcrumbItem>
      </Breadcrumb>
      <Flex alignItems={{ default: 'alignItemsCenter' }} className="pf-v6-u-mb-sm">
        <FlexItem>
          <Title headingLevel="h1" size="xl">
            {who}
          </Title>
        </FlexItem>
        <FlexItem>
          <Label color="blue" icon={<EyeIcon />} data-testid="view-only">
            View only
          </Label>
        </FlexItem>
        <FlexItem className="dp-secondary" data-testid="shadow-announced">
          {phase.kind === 'watching' &&
            (phase.announced
              ? `${session?.username ?? 'The user'} is told you are viewing their screen.`
              : 'The user is not told (their pool does not announce shadowing).')}
        </FlexItem>
        <FlexItem align={{ default: 'alignRight' }}>
          {phase.kind === 'watching' || phase.kind === 'connecting' ? (
            <Button variant="danger" onClick={stop}>
              Stop
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => navigate(sessionPath(sessionId))}>
              Back to the session
            </Button>
          )}
        </FlexItem>
      </Flex>
      <div role="status" aria-live="polite" data-testid="shadow-phase" data-phase={phase.kind}>
        {phase.kind === 'connecting' && (
          <Flex alignItems={{ default: 'alignItemsCenter' }}>
            <Spinner size="md" aria-hidden />
            <FlexItem>Joining the user’s screen…</FlexItem>
          </Flex>
        )}
        {phase.kind === 'refused' && <ProblemAlert problem={phase.problem} testId="shadow-problem" />}
        {phase.kind === 'ended' && (
          <Alert
            variant="info"
            isInline
            title={phase.words.title}
            data-testid="shadow-ended"
            className="pf-v6-u-mb-sm"
            actionLinks={
              phase.words.again ? (
                <Button variant="link" isInline onClick={() => setAttempt((a) => a + 1)}>
                  Watch again
                </Button>
              ) : undefined
            }
          >
            {phase.words.text}
          </Alert>
        )}
      </div>
      <div
        ref={screen}
        className="dp-shadow__screen"
        data-testid="shadow-screen"
        role="img"
        aria-label={`${who}, view only. Your keyboard and mouse do not reach it.`}
      />
    </PageSection>
  );
}
