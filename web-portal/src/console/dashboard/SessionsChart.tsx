import { Chart, ChartAxis, ChartGroup, ChartLegend, ChartLine, ChartVoronoiContainer } from '@patternfly/react-charts/victory';

import type { TimelineView } from './dashboardLogic';

/**
 * The last 24 hours: the tenant's peak of concurrent sessions per hour (a thick line) and its busiest pools' (thin
 * ones). Loaded on its own (React.lazy): the charting library is fetched only by the pages that draw one.
 */
export default function SessionsChart({ data }: { data: TimelineView }) {
  const lines = [data.total, ...data.pools];
  return (
    <div className="dp-dashboard-chart" data-testid="sessions-chart">
      <Chart
        ariaTitle="Peak of concurrent sessions per hour, last 24 hours"
        ariaDesc={data.summary}
        containerComponent={
          <ChartVoronoiContainer
            labels={({ datum }) => `${datum.childName}, ${data.labels[datum.x] ?? ''}: ${datum.y}`}
            constrainToVisibleArea
          />
        }
        domain={{ x: [0, data.labels.length - 1], y: [0, data.maxY] }}
        legendData={lines.map((l) => ({ name: l.name }))}
        legendComponent={<ChartLegend />}
        legendPosition="bottom"
        height={260}
        width={800}
        padding={{ bottom: 80, left: 50, right: 20, top: 20 }}
      >
        <ChartAxis
          tickValues={data.labels.map((_, i) => i).filter((i) => i % 4 === 3)}
          tickFormat={(t: number) => data.labels[t] ?? ''}
          fixLabelOverlap
        />
        <ChartAxis dependentAxis showGrid tickFormat={(t: number) => (Number.isInteger(t) ? String(t) : '')} />
        <ChartGroup>
          {lines.map((l, i) => (
            <ChartLine key={l.name + i} name={l.name} data={l.points} style={{ data: { strokeWidth: i === 0 ? 3 : 1.5 } }} />
          ))}
        </ChartGroup>
      </Chart>
    </div>
  );
}
