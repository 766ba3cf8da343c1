import {
  Alert,
  AlertActionCloseButton,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  CardTitle,
  Flex,
  Label,
  Progress,
  Content,
} from '@patternfly/react-core';

import type { MyPool } from '../api/types';
import type { HumanProblem } from '../problems/problemMessages';
import { ACTION_LABELS, poolView, type DesktopAction } from './sessionView';
import { SnapshotsPanel } from './SnapshotsPanel';

const KIND_WORDS: Record<string, string> = {
  PERSISTENT: 'Personal desktop',
  POOLED: 'Fresh desktop each time',
  SHARED: 'Shared server',
};

interface Props {
  pool: MyPool;
  busy?: DesktopAction;
  problem?: HumanProblem;
  onAction(action: DesktopAction): void;
  onDismissProblem(): void;
  /** A restore of the user's desktop started (its session was logged off): the list is read again. */
  onRestored?(): void;
}

/** One pool on "My desktops": state badge, what it means, the actions and any refusal in words. */
export function DesktopCard({ pool, busy, problem, onAction, onDismissProblem, onRestored }: Props) {
  const view = poolView(pool);
  const titleId = `pool-${pool.id}-title`;
  return (
    <Card isFullHeight component="article" aria-labelledby={titleId} data-testid="desktop-card" data-pool={pool.name}>
      <CardHeader>
        <Flex
          justifyContent={{ default: 'justifyContentSpaceBetween' }}
          alignItems={{ default: 'alignItemsFlexStart' }}
          flexWrap={{ default: 'wrap' }}
          gap={{ default: 'gapSm' }}
        >
          <CardTitle id={titleId} component="h2">
            {pool.name}
          </CardTitle>
          <Label color={view.badge.color} data-testid="desktop-state" className="dp-state-badge">
            {view.badge.label}
          </Label>
        </Flex>
      </CardHeader>
      <CardBody>
        {pool.description && <Content component="p">{pool.description}</Content>}
        <Content component="small">
          {KIND_WORDS[pool.kind]}
          {pool.session?.machineName ? ` · ${pool.session.machineName}` : ''}
        </Content>
        <Content component="p" className="pf-v6-u-mt-sm">
          {view.hint}
        </Content>
        {view.preparing && (
          <Progress
            aria-label={`Preparing ${pool.name}`}
            value={view.progress ?? undefined}
            title="Preparing"
            measureLocation={view.progress === null ? 'none' : 'outside'}
            size="sm"
          />
        )}
        {problem && (
          <Alert
            variant={problem.severity}
            isInline
            role="alert"
            title={problem.title}
            className="pf-v6-u-mt-md"
            data-testid="desktop-problem"
            actionClose={<AlertActionCloseButton aria-label="Dismiss this message" onClose={onDismissProblem} />}
          >
            <p>{problem.message}</p>
            <p>{problem.action}</p>
          </Alert>
        )}
        {pool.kind === 'PERSISTENT' && <SnapshotsPanel pool={pool} onRestored={onRestored} />}
      </CardBody>
      <CardFooter>
        <Flex gap={{ default: 'gapSm' }}>
          {view.primary && (
            <Button
              variant="primary"
              onClick={() => onAction(view.primary!)}
              isLoading={busy === view.primary}
              isDisabled={!!busy}
              aria-label={`${ACTION_LABELS[view.primary]} ${pool.name}`}
            >
              {ACTION_LABELS[view.primary]}
            </Button>
          )}
          {view.secondary.map((a) => (
            <Button
              key={a}
              variant={a === 'logoff' ? 'danger' : 'secondary'}
              isDanger={a === 'logoff'}
              onClick={() => onAction(a)}
              isLoading={busy === a}
              isDisabled={!!busy}
              aria-label={`${ACTION_LABELS[a]} ${pool.name}`}
            >
              {ACTION_LABELS[a]}
            </Button>
          ))}
        </Flex>
      </CardFooter>
    </Card>
  );
}
