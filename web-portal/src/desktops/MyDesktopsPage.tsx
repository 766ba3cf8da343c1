import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import {
  Alert,
  AlertActionCloseButton,
  Bullseye,
  Button,
  EmptyState,
  EmptyStateBody,
  Gallery,
  PageSection,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { SyncAltIcon } from '@patternfly/react-icons';

import { broker } from '../api/broker';
import type { MyApplication, MyPool } from '../api/types';
import { humanError, type HumanProblem } from '../problems/problemMessages';
import { ApplicationTiles } from './ApplicationTiles';
import { DesktopCard } from './DesktopCard';
import { LogoffConfirmation } from './LogoffConfirmation';
import { anyLive, anyPreparing, type DesktopAction } from './sessionView';

/** A notice handed over by the desktop view when it returns here. */
export interface ListNotice {
  variant: 'info' | 'success' | 'warning' | 'danger';
  title: string;
  text?: string;
}

const PREPARING_POLL_MS = 2000;
/** While the user has a live session, so that a help desk's disconnect or log off shows within seconds. */
const LIVE_POLL_MS = 5000;
const IDLE_POLL_MS = 30000;

/** "My desktops": the pools the user is entitled to, each with their session and what they can do. */
export function MyDesktopsPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const [pools, setPools] = useState<MyPool[] | null>(null);
  const [loadProblem, setLoadProblem] = useState<HumanProblem | null>(null);
  const [problems, setProblems] = useState<Record<string, HumanProblem>>({});
  const [busy, setBusy] = useState<Record<string, DesktopAction>>({});
  const [notice, setNotice] = useState<ListNotice | null>((location.state as { notice?: ListNotice } | null)?.notice ?? null);
  const [confirmLogoff, setConfirmLogoff] = useState<MyPool | null>(null);
  const [applications, setApplications] = useState<MyApplication[]>([]);
  const [launching, setLaunching] = useState<Record<string, boolean>>({});
  const [appProblems, setAppProblems] = useState<Record<string, HumanProblem>>({});
  const mounted = useRef(true);

  const refresh = useCallback(async () => {
    // the applications are read beside the desktops; a failure there leaves the desktops shown
    const apps = broker.myApplications().catch(() => null);
    try {
      const list = await broker.myPools();
      const appList = await apps;
      if (mounted.current) {
        setPools(list);
        if (Array.isArray(appList)) {
          setApplications(appList.filter((a) => typeof a?.id === 'string' && typeof a?.poolId === 'string'));
        }
        setLoadProblem(null);
      }
    } catch (e) {
      if (mounted.current) {
        setLoadProblem(humanError(e));
      }
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    void refresh();
    return () => {
      mounted.current = false;
    };
  }, [refresh]);

  // Keep the list fresh: quickly while a desktop is being prepared, every few seconds while a session is live
  // (an admin may disconnect or log it off), slowly otherwise; and at once when the tab is shown again.
  const preparing = pools ? anyPreparing(pools) : false;
  const live = pools ? anyLive(pools) : false;
  useEffect(() => {
    const timer = setInterval(() => void refresh(), preparing ? PREPARING_POLL_MS : live ? LIVE_POLL_MS : IDLE_POLL_MS);
    return () => clearInterval(timer);
  }, [preparing, live, refresh]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        void refresh();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [refresh]);

  useEffect(() => {
    if (location.state) {
      // The notice is shown once; a reload of the page should not show it again.
      navigate(location.pathname, { replace: true, state: null });
    }
  }, [location.state, location.pathname, navigate]);

  async function act(pool: MyPool, action: DesktopAction) {
    if (action === 'logoff') {
      setConfirmLogoff(pool);
      return;
    }
    setBusy((b) => ({ ...b, [pool.id]: action }));
    setProblems(({ [pool.id]: _gone, ...rest }) => rest);
    try {
      if (action === 'disconnect' && pool.session) {
        await broker.disconnect(pool.session.id);
        await refresh();
      } else {
        const result = await broker.connect(pool.id);
        navigate(`/desktops/${result.session.id}`);
        return;
      }
    } catch (e) {
      setProblems((p) => ({ ...p, [pool.id]: humanError(e) }));
      void refresh();
    } finally {
      if (mounted.current) {
        setBusy(({ [pool.id]: _done, ...rest }) => rest);
      }
    }
  }

  /** Launches the application: a connect to its pool with the application's intent, then the session's view. */
  async function launch(app: MyApplication) {
    setLaunching((b) => ({ ...b, [app.id]: true }));
    setAppProblems(({ [app.id]: _gone, ...rest }) => rest);
    try {
      const result = await broker.launchApplication(app.id);
      navigate(`/desktops/${result.session.id}`);
    } catch (e) {
      if (mounted.current) {
        setAppProblems((p) => ({ ...p, [app.id]: humanError(e) }));
        setLaunching(({ [app.id]: _done, ...rest }) => rest);
      }
      void refresh();
    }
  }

  async function logoff(pool: MyPool) {
    setConfirmLogoff(null);
    if (!pool.session) {
      return;
    }
    setBusy((b) => ({ ...b, [pool.id]: 'logoff' }));
    try {
      await broker.logoff(pool.session.id);
      setNotice({ variant: 'success', title: `You logged off from ${pool.name}.` });
    } catch (e) {
      setProblems((p) => ({ ...p, [pool.id]: humanError(e) }));
    } finally {
      setBusy(({ [pool.id]: _done, ...rest }) => rest);
      void refresh();
    }
  }

  return (
    <PageSection isFilled aria-labelledby="my-desktops-title">
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <Title headingLevel="h1" id="my-desktops-title">
              My desktops
            </Title>
          </ToolbarItem>
          <ToolbarItem align={{ default: 'alignEnd' }}>
            <Button variant="plain" aria-label="Refresh the list" onClick={() => void refresh()} icon={<SyncAltIcon />} />
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <div aria-live="polite">
        {notice && (
          <Alert
            variant={notice.variant}
            isInline
            title={notice.title}
            data-testid="list-notice"
            className="pf-v6-u-mb-md"
            actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />}
          >
            {notice.text}
          </Alert>
        )}
        {loadProblem && (
          <Alert variant={loadProblem.severity} isInline title={loadProblem.title} className="pf-v6-u-mb-md">
            {loadProblem.message} {loadProblem.action}
          </Alert>
        )}
      </div>
      {pools === null && !loadProblem && (
        <Bullseye>
          <Spinner aria-label="Loading your desktops" />
        </Bullseye>
      )}
      {pools && (
        <ApplicationTiles
          applications={applications}
          pools={pools}
          busy={launching}
          problems={appProblems}
          onLaunch={(a) => void launch(a)}
          onDismissProblem={(a) => setAppProblems(({ [a.id]: _gone, ...rest }) => rest)}
        />
      )}
      {pools && pools.length === 0 && (
        <EmptyState titleText="No desktops yet" headingLevel="h2">
          <EmptyStateBody>
            You are not entitled to any desktop. Ask your IT administrator to give you access to a desktop pool.
          </EmptyStateBody>
        </EmptyState>
      )}
      {pools && pools.length > 0 && (
        <Gallery hasGutter minWidths={{ default: '100%', md: '20rem' }} component="ul" aria-label="Desktops">
          {pools.map((pool) => (
            <li key={pool.id}>
              <DesktopCard
                pool={pool}
                busy={busy[pool.id]}
                problem={problems[pool.id]}
                onAction={(a) => void act(pool, a)}
                onDismissProblem={() => setProblems(({ [pool.id]: _gone, ...rest }) => rest)}
                onRestored={() => void refresh()}
              />
            </li>
          ))}
        </Gallery>
      )}
      <LogoffConfirmation
        subject={confirmLogoff}
        name={confirmLogoff?.name ?? ''}
        onConfirm={(p) => void logoff(p)}
        onCancel={() => setConfirmLogoff(null)}
      />
    </PageSection>
  );
}
