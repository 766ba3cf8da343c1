import { Chart, ChartAxis, ChartBar, ChartGroup, ChartLegend, ChartThreshold, ChartVoronoiContainer } from '@patternfly/react-charts/victory';

import type { PeakChartData } from './licenceLogic';

/**
 * The peaks of a product as bars (red where a period went beyond its seats) under a line of the licensed seats.
 * Loaded on its own (React.lazy): the charting library is only fetched by the pages that draw one.
 */
export default function PeakChart({ data, title }: { data: PeakChartData; title: string }) {
  return (
    <div className="dp-peak-chart" data-testid="peak-chart">
      <Chart
        ariaTitle={title}
        ariaDesc={data.summary}
        containerComponent={<ChartVoronoiContainer labels={({ datum }) => (datum.childName === 'peaks' ? `${datum.x}: peak ${datum.y}` : `seats ${datum.y}`)} constrainToVisibleArea />}
        domain={{ y: [0, data.maxY] }}
        domainPadding={{ x: [16, 16] }}
        legendData={[{ name: 'Peak seats in use' }, { name: 'Seats licensed', symbol: { type: 'dash' } }]}
        legendComponent={<ChartLegend />}
        legendPosition="bottom"
        height={280}
        width={900}
        padding={{ bottom: 75, left: 50, right: 20, top: 20 }}
      >
        <ChartAxis tickValues={data.ticks} fixLabelOverlap />
        <ChartAxis dependentAxis showGrid tickFormat={(t: number) => (Number.isInteger(t) ? String(t) : '')} />
        <ChartGroup>
          <ChartBar
            name="peaks"
            data={data.bars}
            style={{ data: { fill: ({ datum }: { datum?: { over?: boolean } }) => (datum?.over ? 'var(--pf-t--global--color--status--danger--default)' : 'var(--pf-t--global--color--brand--default)') } }}
          />
        </ChartGroup>
        <ChartThreshold name="seats" data={data.seats} />
      </Chart>
    </div>
  );
}
