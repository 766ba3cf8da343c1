import { Label, Tooltip } from '@patternfly/react-core';

import type { QualityReading } from './quality';

const LOOK = {
  unknown: { color: 'grey', text: 'Measuring…' },
  good: { color: 'green', text: 'Good connection' },
  fair: { color: 'orange', text: 'Fair connection' },
  poor: { color: 'red', text: 'Poor connection' },
} as const;

/** The connection-quality indicator: level in colour and words, the figures in the tooltip. */
export function QualityIndicator({ reading }: { reading: QualityReading }) {
  const look = LOOK[reading.level];
  const figures = [
    reading.roundTripMs === null ? null : `round trip ${reading.roundTripMs} ms`,
    reading.displayLagMs === null ? null : `display lag ${reading.displayLagMs} ms`,
  ]
    .filter(Boolean)
    .join(', ');
  const description = figures ? `${look.text}: ${figures}` : look.text;
  return (
    <Tooltip content={description}>
      <Label
        color={look.color}
        className="dp-quality"
        data-testid="quality"
        data-level={reading.level}
        aria-label={description}
        tabIndex={0}
      >
        {look.text}
        {reading.roundTripMs !== null ? ` · ${reading.roundTripMs} ms` : ''}
      </Label>
    </Tooltip>
  );
}
