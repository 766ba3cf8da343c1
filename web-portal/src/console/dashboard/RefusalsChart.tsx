import { Chart, ChartAxis, ChartBar, ChartVoronoiContainer } from '@patternfly/react-charts/victory';

import type { ConnectsView } from './dashboardLogic';

/** The last hour's connects as bars: new sessions, reconnects, and each refusal reason. Loaded on its own (React.lazy). */
export default function RefusalsChart({ data }: { data: ConnectsView }) {
  const bars = [
    { x: 'New sessions', y: data.created },
    { x: 'Reconnects', y: data.reconnected },
    ...data.refusals.map((r) => ({ x: r.label, y: r.count, refused: true })),
  ];
  const maxY = Math.max(1, ...bars.map((b) => b.y));
  return (
    <div className="dp-dashboard-chart" data-testid="connects-chart">
      <Chart
        ariaTitle="Connects of the last hour"
        ariaDesc={`${data.attempts} connects: ${data.created} new sessions, ${data.reconnected} reconnects, ${data.refused} refused`}
        containerComponent={<ChartVoronoiContainer labels={({ datum }) => `${datum.x}: ${datum.y}`} constrainToVisibleArea />}
        domain={{ y: [0, maxY] }}
        domainPadding={{ x: [24, 24] }}
        horizontal
        height={Math.max(150, 36 * bars.length + 60)}
        width={600}
        padding={{ bottom: 40, left: 200, right: 30, top: 10 }}
      >
        <ChartAxis />
        <ChartAxis dependentAxis showGrid tickFormat={(t: number) => (Number.isInteger(t) ? String(t) : '')} />
        <ChartBar
          data={bars}
          style={{
            data: {
              fill: ({ datum }: { datum?: { refused?: boolean } }) =>
                datum?.refused ? 'var(--pf-t--global--color--status--danger--default)' : 'var(--pf-t--global--color--brand--default)',
            },
          }}
        />
      </Chart>
    </div>
  );
}
