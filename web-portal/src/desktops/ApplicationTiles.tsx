import { Alert, AlertActionCloseButton, Button, Card, CardBody, CardTitle, Content, Gallery, Title } from '@patternfly/react-core';

import type { MyApplication, MyPool } from '../api/types';
import type { HumanProblem } from '../problems/problemMessages';

interface Props {
  applications: MyApplication[];
  /** The user's pools, for the session an application would join. */
  pools: MyPool[];
  busy: Record<string, boolean>;
  problems: Record<string, HumanProblem>;
  onLaunch(app: MyApplication): void;
  onDismissProblem(app: MyApplication): void;
}

/** The first letter of the name, for an application without an icon. */
export function initialOf(name: string): string {
  const first = name.trim().codePointAt(0);
  return first === undefined ? '?' : String.fromCodePoint(first).toUpperCase();
}

/** Whether launching the application joins a session the user already has in its pool (its window opens there). */
export function joinsSession(app: MyApplication, pools: MyPool[]): boolean {
  const session = pools.find((p) => p.id === app.poolId)?.session;
  return !!session && session.state !== 'ENDED';
}

/**
 * "My applications": a tile per application published on the user's shared pools. Opening one connects to its pool
 * and shows only that application's window; a second one joins the same session (the same view, its window in front).
 */
export function ApplicationTiles({ applications, pools, busy, problems, onLaunch, onDismissProblem }: Props) {
  if (applications.length === 0) {
    return null;
  }
  return (
    <section aria-labelledby="my-applications-title" className="pf-v6-u-mb-lg">
      <Title headingLevel="h2" id="my-applications-title" className="pf-v6-u-mb-sm">
        My applications
      </Title>
      <Gallery hasGutter minWidths={{ default: '100%', sm: '12rem' }} component="ul" aria-label="Applications">
        {applications.map((app) => {
          const problem = problems[app.id];
          const titleId = `app-${app.id}-title`;
          return (
            <li key={app.id}>
              <Card isCompact component="article" aria-labelledby={titleId} data-testid="application-tile" data-application={app.name}>
                <CardTitle id={titleId} component="h3">
                  <span className="dp-app-tile__icon" aria-hidden="true">
                    {app.icon ? <img src={app.icon} alt="" width={32} height={32} /> : <span className="dp-app-tile__initial">{initialOf(app.name)}</span>}
                  </span>
                  {app.name}
                </CardTitle>
                <CardBody>
                  <Content component="small">
                    {app.poolName}
                    {joinsSession(app, pools) ? ' · opens in your running session' : ''}
                  </Content>
                  <div className="pf-v6-u-mt-sm">
                    <Button
                      variant="primary"
                      size="sm"
                      onClick={() => onLaunch(app)}
                      isLoading={busy[app.id]}
                      isDisabled={busy[app.id]}
                      aria-label={`Open ${app.name}`}
                    >
                      Open
                    </Button>
                  </div>
                  {problem && (
                    <Alert
                      variant={problem.severity}
                      isInline
                      isPlain
                      role="alert"
                      title={problem.title}
                      className="pf-v6-u-mt-sm"
                      data-testid="application-problem"
                      actionClose={<AlertActionCloseButton onClose={() => onDismissProblem(app)} />}
                    >
                      {problem.message} {problem.action}
                    </Alert>
                  )}
                </CardBody>
              </Card>
            </li>
          );
        })}
      </Gallery>
    </section>
  );
}
