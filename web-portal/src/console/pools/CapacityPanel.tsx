import { useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Content,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  TextInput,
} from '@patternfly/react-core';

import { ProblemAlert } from '../controls';
import { useVersionedEdit } from '../useVersionedEdit';
import { capacityProblem, perHour, polyline, type CapacityView } from './capacityLogic';

const WIDTH = 480;
const HEIGHT = 120;

/**
 * A provisioned pool's capacity: FIXED spares or DEMAND between a floor and a cap (a form), and for DEMAND what the
 * reconciler works from now (in words) and the day's forecast beside the actual logons, per hour (an SVG chart).
 */
export function CapacityPanel({ poolId }: { poolId: string }) {
  const edit = useVersionedEdit<CapacityView>(`/api/v1/admin/pools/${encodeURIComponent(poolId)}/provisioning/capacity`, 'PUT');
  const view = edit.current?.value;
  const [mode, setMode] = useState<'FIXED' | 'DEMAND'>('FIXED');
  const [floor, setFloor] = useState('0');
  const [cap, setCap] = useState('0');
  const [local, setLocal] = useState<string | null>(null);

  useEffect(() => {
    if (view) {
      setMode(view.mode);
      setFloor(String(view.floor));
      setCap(String(view.cap));
    }
  }, [view]);

  if (edit.loadProblem) {
    // a pool that is not provisioned has no capacity to set: the provisioning section above says why
    return null;
  }
  if (!view) {
    return null;
  }
  const shared = view.poolKind === 'SHARED';
  const save = async () => {
    const f = Number(floor);
    const c = Number(cap);
    const problem = mode === 'DEMAND' ? capacityProblem(f, shared ? Math.max(f, c) : c) : null;
    setLocal(problem);
    if (!problem) {
      await edit.save(mode !== 'DEMAND' ? { mode } : shared ? { mode, floor: f, cap: Math.max(f, c) } : { mode, floor: f, cap: c });
    }
  };
  const hours = view.curve ? perHour(view.curve) : [];
  const maxY = Math.max(1, ...hours.map((h) => Math.max(h.forecast, h.actual)));
  return (
    <section aria-label="Capacity" data-testid="capacity-panel">
      <Form isHorizontal onSubmit={(e) => e.preventDefault()}>
        <FormGroup label="Spares" fieldId="capacity-mode">
          <FormSelect id="capacity-mode" value={mode} onChange={(_e, v) => setMode(v as 'FIXED' | 'DEMAND')}
            aria-label="Capacity mode">
            <FormSelectOption value="FIXED" label="Fixed: the spare target, day and night" />
            <FormSelectOption value="DEMAND" label="Follow demand: forecast from the pool’s logons" />
          </FormSelect>
        </FormGroup>
        {mode === 'DEMAND' && (
          <>
            <FormGroup label={shared ? 'Hosts kept open' : 'Floor'} fieldId="capacity-floor">
              <TextInput id="capacity-floor" type="number" value={floor} onChange={(_e, v) => setFloor(v)} />
            </FormGroup>
            {!shared && (
              <FormGroup label="Cap" fieldId="capacity-cap">
                <TextInput id="capacity-cap" type="number" value={cap} onChange={(_e, v) => setCap(v)} />
              </FormGroup>
            )}
          </>
        )}
        {local && <Alert variant="danger" isInline title={local} />}
        {edit.saveProblem && <ProblemAlert problem={edit.saveProblem} />}
        <Button variant="secondary" onClick={() => void save()} isLoading={edit.saving}>
          Save capacity
        </Button>
      </Form>
      {view.mode === 'DEMAND' && view.explain && (
        <Content component="p" data-testid="capacity-explain">
          Now: {view.explain}
        </Content>
      )}
      {view.curve && (
        <figure>
          <svg width={WIDTH} height={HEIGHT + 20} role="img" data-testid="capacity-chart"
            aria-label={`Logons per hour on ${view.curve.day} (${view.curve.timeZone}): forecast and actual`}>
            <polyline data-testid="forecast-line" fill="none" stroke="#06c" strokeDasharray="4 3" strokeWidth={2}
              points={polyline(hours.map((h) => h.forecast), WIDTH, HEIGHT, maxY)} />
            <polyline data-testid="actual-line" fill="none" stroke="#3e8635" strokeWidth={2}
              points={polyline(hours.map((h) => h.actual), WIDTH, HEIGHT, maxY)} />
            <text x={0} y={HEIGHT + 16} fontSize={11}>00:00</text>
            <text x={WIDTH / 2 - 14} y={HEIGHT + 16} fontSize={11}>12:00</text>
            <text x={WIDTH - 34} y={HEIGHT + 16} fontSize={11}>23:00</text>
          </svg>
          <figcaption className="dp-secondary">
            Logons per hour, {view.curve.day} ({view.curve.dayKind.toLowerCase()}, {view.curve.timeZone}): forecast
            (dashed) and actual so far; up to {Math.round(maxY)} an hour.
          </figcaption>
        </figure>
      )}
    </section>
  );
}
