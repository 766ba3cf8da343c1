import { Label } from '@patternfly/react-core';

import type { Tone } from './dashboardLogic';
import type { LiveStatus } from './liveFeed';

/** Whether what the page shows is kept live on the broker's event stream, and if not, why and what happens next. */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  const [color, text] = ((): [Tone, string] => {
    switch (status.state) {
      case 'live':
        return ['green', 'Live'];
      case 'connecting':
        return ['grey', 'Connecting…'];
      case 'reconnecting':
        return ['orange', `Reconnecting${status.retryInSeconds ? ` in ${status.retryInSeconds} s` : ''}…`];
      case 'polling':
        return ['blue', 'Updated every 30 s'];
      default:
        return ['red', status.detail ? `Not updating: ${status.detail}` : 'Not updating'];
    }
  })();
  return (
    <span role="status" aria-live="polite" data-testid="live-status" data-state={status.state}>
      <Label color={color}>{text}</Label>
    </span>
  );
}
