import {
  Chart,
  ChartAxis,
  ChartBar,
  ChartGroup,
  ChartLabel,
  ChartLegend,
  ChartLine,
  ChartStack,
  ChartThemeColor,
  ChartVoronoiContainer,
} from '@patternfly/react-charts/victory';

import { formatNumber, type ChartData } from './usageLogic';

/**
 * Usage over the periods: stacked bars (hours per pool, size or product) or lines (peaks and distinct counts), with a
 * legend and the value under the pointer. The x axis counts periods (an hour label can repeat when the clocks go
 * back) and names them with the tenant's wall clock. Loaded on its own (React.lazy): the charting library is only
 * fetched by the pages that draw one.
 */
/** An axis tick with the digits that tell neighbours apart: 0.15 and 0.2, 1,250 and 1,500. */
const tickWords = (t: number) => (Math.abs(t) >= 100 ? t.toLocaleString('en-GB', { maximumFractionDigits: 0 }) : t.toLocaleString('en-GB', { maximumSignificantDigits: 3 }));

export default function UsageChart({ data, kind, title, yLabel }: { data: ChartData; kind: 'stack' | 'lines'; title: string; yLabel: string }) {
  const tickValues = data.labels.map((l, i) => ({ l, i: i + 1 })).filter(({ l }) => data.ticks.includes(l)).map(({ i }) => i);
  const highest = kind === 'stack' ? Math.max(...data.periods.map((_, i) => data.series.reduce((s, x) => s + x.values[i], 0)), 0) : Math.max(0, ...data.series.flatMap((s) => s.values));
  // under an hour at most: the axis counts minutes, which read better than 0.0006 h
  const minutes = yLabel.endsWith('hours') && highest > 0 && highest < 1;
  const scale = minutes ? 60 : 1;
  const axisLabel = minutes ? yLabel.replace(/hours$/, 'minutes') : yLabel;
  const top = highest * scale;
  const points = (values: number[], name: string) => values.map((y, i) => ({ x: i + 1, y: y * scale, name }));
  return (
    <div className="dp-usage-chart" data-testid="usage-chart">
      <Chart
        ariaTitle={title}
        ariaDesc={data.summary}
        containerComponent={
          <ChartVoronoiContainer
            labels={({ datum }: { datum: { name: string; x: number; y: number } }) => `${datum.name}, ${data.labels[datum.x - 1]}: ${formatNumber(datum.y)} ${axisLabel}`}
            constrainToVisibleArea
          />
        }
        domain={{ y: [0, top > 0 ? top * 1.1 : 1] }}
        domainPadding={{ x: [12, 12] }}
        legendData={data.series.map((s) => ({ name: s.label }))}
        legendComponent={<ChartLegend />}
        legendPosition="bottom"
        legendAllowWrap
        themeColor={kind === 'stack' ? ChartThemeColor.multiOrdered : ChartThemeColor.multiUnordered}
        height={300}
        width={760}
        padding={{ bottom: 90, left: 80, right: 20, top: 20 }}
      >
        <ChartAxis tickValues={tickValues} tickFormat={(t: number) => data.labels[t - 1] ?? ''} fixLabelOverlap />
        <ChartAxis dependentAxis showGrid label={axisLabel} axisLabelComponent={<ChartLabel dy={-30} />} tickFormat={tickWords} />
        {kind === 'stack' ? (
          <ChartStack>
            {data.series.map((s) => (
              <ChartBar key={s.key} name={s.key} data={points(s.values, s.label)} />
            ))}
          </ChartStack>
        ) : (
          <ChartGroup>
            {data.series.map((s) => (
              <ChartLine key={s.key} name={s.key} data={points(s.values, s.label)} />
            ))}
          </ChartGroup>
        )}
      </Chart>
    </div>
  );
}
