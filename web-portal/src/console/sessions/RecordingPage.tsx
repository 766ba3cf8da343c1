import { useEffect, useRef, useState } from 'react';
import { Breadcrumb, BreadcrumbItem, Button, Flex, FlexItem, PageSection, Slider, Spinner, Title } from '@patternfly/react-core';
import { PauseIcon, PlayIcon } from '@patternfly/react-icons';
import { Link, useParams } from 'react-router-dom';

import { TENANT_HEADER } from '../adminApi';
import { useConsole } from '../ConsoleContext';
import { ProblemAlert } from '../controls';
import { RecordingPlayer } from './RecordingPlayer';
import { LOADING, canPlay, clock, positionWords, type Playback } from './playback';
import { sessionPath } from './SessionPage';

/** Plays one recording of a session in the page: play and pause, a seek bar, the position and the length. */
export function RecordingPage() {
  const { sessionId = '', name = '' } = useParams();
  const { client } = useConsole();
  const screen = useRef<HTMLDivElement>(null);
  const player = useRef<RecordingPlayer | null>(null);
  const [state, setState] = useState<Playback>(LOADING);

  useEffect(() => {
    const container = screen.current;
    if (!container) {
      return;
    }
    let active = true;
    const url = `/api/v1/admin/sessions/${encodeURIComponent(sessionId)}/recordings/${encodeURIComponent(name)}`;
    const p = new RecordingPlayer(container, url, client.tenantId ? { [TENANT_HEADER]: client.tenantId } : {}, (s) => active && setState(s));
    player.current = p;
    return () => {
      active = false;
      p.dispose();
      player.current = null;
    };
  }, [client, sessionId, name]);

  const playing = state.status === 'playing';
  const seconds = Math.max(1, Math.ceil(state.duration / 1000));
  return (
    <PageSection>
      <Breadcrumb className="pf-v6-u-mb-sm">
        <BreadcrumbItem>
          <Link to="/console/sessions">Sessions</Link>
        </BreadcrumbItem>
        <BreadcrumbItem>
          <Link to={sessionPath(sessionId)}>Session</Link>
        </BreadcrumbItem>
        <BreadcrumbItem isActive>Recording</BreadcrumbItem>
      </Breadcrumb>
      <Title headingLevel="h1" size="xl" className="pf-v6-u-mb-sm">
        Recording of the session
      </Title>
      {state.status === 'error' && (
        <ProblemAlert
          problem={{ title: 'The recording cannot be played', message: state.error ?? '', action: 'Go back to the session and try again.', severity: 'danger', retryable: false }}
        />
      )}
      <Flex alignItems={{ default: 'alignItemsCenter' }} className="pf-v6-u-mb-sm" flexWrap={{ default: 'nowrap' }}>
        <FlexItem>
          <Button
            variant="primary"
            icon={playing ? <PauseIcon /> : <PlayIcon />}
            onClick={() => (playing ? player.current?.pause() : player.current?.play())}
            isDisabled={!playing && !canPlay(state)}
            data-testid="recording-play"
          >
            {playing ? 'Pause' : 'Play'}
          </Button>
        </FlexItem>
        <FlexItem grow={{ default: 'grow' }}>
          <Slider
            value={Math.min(seconds, state.position / 1000)}
            min={0}
            max={seconds}
            step={1}
            isDisabled={state.status === 'loading' || state.status === 'error'}
            thumbAriaLabel="Playback position in seconds"
            aria-describedby="recording-position"
            onChange={(_e, value) => player.current?.seek(value * 1000)}
            data-testid="recording-seek"
          />
        </FlexItem>
        <FlexItem>
          <span id="recording-position" data-testid="recording-position" title={positionWords(state)} data-position-ms={Math.round(state.position)} data-duration-ms={Math.round(state.duration)}>
            {clock(state.position)} / {clock(state.duration)}
          </span>
          {!state.loaded && state.status !== 'error' && <Spinner size="sm" aria-label="Loading the recording" className="pf-v6-u-ml-sm" />}
        </FlexItem>
      </Flex>
      <div ref={screen} className="dp-recording__screen" data-testid="recording-screen" role="img" aria-label="The recorded screen" />
    </PageSection>
  );
}
