import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, AlertActionCloseButton, Button, Dropdown, DropdownItem, DropdownList, MenuToggle, Progress, Spinner } from '@patternfly/react-core';
import { CompressIcon, ExpandIcon, EyeIcon, KeyboardIcon, PasteIcon } from '@patternfly/react-icons';

import { broker } from '../api/broker';
import { useAuth } from '../auth';
import type { ListNotice } from '../desktops/MyDesktopsPage';
import { endedWords } from '../desktops/failureWords';
import { LogoffConfirmation } from '../desktops/LogoffConfirmation';
import { ClipboardPanel } from './ClipboardPanel';
import { CLIPBOARD_BOTH, clipboardPolicy } from './clipboard';
import { KEY_COMBOS } from './keyCombos';
import { QualityIndicator } from './QualityIndicator';
import type { QualityReading } from './quality';
import { RemoteDesktop, type DesktopExit, type DesktopPhase } from './RemoteDesktop';
import { NOBODY_WATCHING, applyShadowEvent, stoppedWords, watchingWords, type ShadowWatch } from './shadowNotices';
import { TouchKeys } from './TouchKeys';

const STOPPED_NOTICE_MS = 8000;

const isTouchDevice = () => typeof window.matchMedia === 'function' && window.matchMedia('(pointer: coarse)').matches;

/** The in-browser desktop: toolbar, remote screen and the overlays while it prepares or reconnects. */
export function DesktopPage() {
  const { sessionId = '' } = useParams();
  const navigate = useNavigate();
  const { signOut } = useAuth();
  const frame = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const desktop = useRef<RemoteDesktop | null>(null);
  const [title, setTitle] = useState('Desktop');
  const [policy, setPolicy] = useState(CLIPBOARD_BOTH);
  const [phase, setPhase] = useState<DesktopPhase>({ kind: 'connecting' });
  const [quality, setQuality] = useState<QualityReading>({ level: 'unknown', roundTripMs: null, displayLagMs: null });
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const [keysOpen, setKeysOpen] = useState(false);
  const [clipboardOpen, setClipboardOpen] = useState(false);
  const [touchKeys, setTouchKeys] = useState(isTouchDevice);
  const [fullScreen, setFullScreen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmLogoff, setConfirmLogoff] = useState<true | null>(null);
  const [poolName, setPoolName] = useState('this desktop');
  const [watch, setWatch] = useState<ShadowWatch>(NOBODY_WATCHING);

  const leave = useCallback(
    (exit: DesktopExit) => {
      if (exit.kind === 'signIn') {
        void signOut();
        return;
      }
      let notice: ListNotice;
      switch (exit.kind) {
        case 'ended':
          notice = {
            variant: exit.session?.endReason === 'LOGOFF' ? 'success' : exit.session?.endReason === 'DESKTOP_UNREACHABLE' ? 'danger' : 'info',
            title: `Your session${exit.session ? ` on ${exit.session.poolName}` : ''} has ended.`,
            text: endedWords(exit.session),
          };
          break;
        case 'refused':
          notice = { variant: exit.problem.severity, title: exit.problem.title, text: `${exit.problem.message} ${exit.problem.action}` };
          break;
        default:
          notice = exit.note
            ? { variant: 'warning', title: 'Disconnected', text: exit.note }
            : { variant: 'info', title: 'Disconnected. Your desktop keeps running; reconnect when you are ready.' };
      }
      navigate('/', { state: { notice } });
    },
    [navigate, signOut],
  );

  useEffect(() => {
    const container = screen.current;
    if (!container) {
      return;
    }
    let active = true;
    let remote: RemoteDesktop | null = null;
    broker
      .session(sessionId)
      .then((s) => {
        if (!active) {
          return;
        }
        setTitle(s.poolName + (s.machineName ? ` · ${s.machineName}` : ''));
        setPoolName(s.poolName);
        const p = clipboardPolicy(s.clipboardPolicy);
        setPolicy(p);
        remote = new RemoteDesktop(
          container,
          sessionId,
          broker,
          {
            phase: (ph) => active && setPhase(ph),
            quality: (q) => active && setQuality(q),
            clipboard: (text) => {
              if (!active) {
                return;
              }
              setRemoteClipboard(text);
              navigator.clipboard?.writeText(text).catch(() => undefined);
            },
            shadow: (event) => active && setWatch((w) => (event ? applyShadowEvent(w, event) : NOBODY_WATCHING)),
            exit: (e) => active && leave(e),
          },
          p,
        );
        desktop.current = remote;
        void remote.start();
      })
      .catch(() => {
        // The desktop reports the problem itself when it starts; without a session there is nothing to show.
        if (active) {
          leave({ kind: 'ended', session: null });
        }
      });
    return () => {
      active = false;
      remote?.dispose();
      desktop.current = null;
    };
  }, [sessionId, leave]);

  // Local clipboard → desktop when the desktop gets focus (where the browser allows reading it).
  const syncClipboardIn = useCallback(() => {
    if (!policy.paste || !navigator.clipboard?.readText) {
      return;
    }
    navigator.clipboard
      .readText()
      .then((text) => {
        if (text) {
          desktop.current?.sendClipboard(text);
        }
      })
      .catch(() => undefined);
  }, [policy.paste]);

  // "… stopped viewing your screen" stays a few seconds, then goes by itself
  useEffect(() => {
    if (!watch.stopped || watch.watching.length > 0) {
      return;
    }
    const timer = setTimeout(() => setWatch((w) => ({ ...w, stopped: null })), STOPPED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [watch]);

  useEffect(() => {
    const onChange = () => {
      setFullScreen(document.fullscreenElement !== null);
      desktop.current?.rescale();
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  async function toggleFullScreen() {
    if (document.fullscreenElement) {
      await document.exitFullscreen().catch(() => undefined);
      return;
    }
    await frame.current?.requestFullscreen().catch(() => undefined);
    // In full screen Chromium lets the page capture keys the OS would take (Esc, Alt+Tab, Windows key).
    const kb = (navigator as unknown as { keyboard?: { lock?: () => Promise<void> } }).keyboard;
    await kb?.lock?.().catch(() => undefined);
    screen.current?.focus();
  }

  async function disconnect() {
    setBusy(true);
    await desktop.current?.disconnect();
  }

  async function logoff() {
    setConfirmLogoff(null);
    setBusy(true);
    try {
      await desktop.current?.logoff();
    } catch {
      setBusy(false);
    }
  }

  return (
    <div className="dp-desktop" ref={frame}>
      <div className="dp-desktop__bar" role="toolbar" aria-label="Desktop controls">
        <span className="dp-desktop__title" data-testid="desktop-title">
          {title}
        </span>
        <QualityIndicator reading={quality} />
        <Dropdown
          isOpen={keysOpen}
          onOpenChange={setKeysOpen}
          onSelect={() => setKeysOpen(false)}
          toggle={(ref) => (
            <MenuToggle ref={ref} onClick={() => setKeysOpen(!keysOpen)} isExpanded={keysOpen} size="sm" aria-label="Send keys">
              Keys
            </MenuToggle>
          )}
        >
          <DropdownList>
            {KEY_COMBOS.map((c) => (
              <DropdownItem
                key={c.id}
                onClick={() => {
                  desktop.current?.sendCombo(c);
                  screen.current?.focus();
                }}
              >
                Send {c.label}
              </DropdownItem>
            ))}
          </DropdownList>
        </Dropdown>
        <Button
          variant="secondary"
          size="sm"
          icon={<PasteIcon />}
          onClick={() => setClipboardOpen(true)}
          aria-label="Clipboard"
        >
          Clipboard
        </Button>
        <Button
          variant={touchKeys ? 'primary' : 'secondary'}
          size="sm"
          icon={<KeyboardIcon />}
          aria-pressed={touchKeys}
          onClick={() => setTouchKeys(!touchKeys)}
        >
          On-screen keys
        </Button>
        <Button
          variant="secondary"
          size="sm"
          icon={fullScreen ? <CompressIcon /> : <ExpandIcon />}
          onClick={() => void toggleFullScreen()}
          aria-pressed={fullScreen}
        >
          {fullScreen ? 'Exit full screen' : 'Full screen'}
        </Button>
        <Button variant="secondary" size="sm" onClick={() => void disconnect()} isDisabled={busy}>
          Disconnect
        </Button>
        <Button variant="danger" size="sm" onClick={() => setConfirmLogoff(true)} isDisabled={busy}>
          Log off
        </Button>
      </div>
      <div className="dp-desktop__stage">
      <div
        className="dp-desktop__screen"
        ref={screen}
        tabIndex={0}
        role="application"
        aria-label={`Remote desktop ${title}. While it has focus, your keyboard types into the desktop; use the toolbar above for special keys.`}
        data-testid="desktop-screen"
        data-phase={phase.kind}
        onFocus={syncClipboardIn}
      />
      <PhaseOverlay phase={phase} onRetryNow={() => desktop.current?.retryNow()} />
      <ShadowNotice watch={watch} onDismiss={() => setWatch((w) => ({ ...w, stopped: null }))} />
      </div>
      {touchKeys && (
        <TouchKeys
          onKey={(k, pressed) => desktop.current?.sendKey(k, pressed)}
          onText={(t) => desktop.current?.typeText(t)}
        />
      )}
      <LogoffConfirmation
        subject={confirmLogoff}
        name={poolName}
        onConfirm={() => void logoff()}
        onCancel={() => {
          setConfirmLogoff(null);
          screen.current?.focus();
        }}
      />
      <ClipboardPanel
        open={clipboardOpen}
        policy={policy}
        remoteText={remoteClipboard}
        onSend={(t) => desktop.current?.sendClipboard(t)}
        onClose={() => {
          setClipboardOpen(false);
          screen.current?.focus();
        }}
      />
    </div>
  );
}

/** Tells the user, in a live region, while someone from IT views their screen, and when they stop. */
function ShadowNotice({ watch, onDismiss }: { watch: ShadowWatch; onDismiss(): void }) {
  const watching = watchingWords(watch);
  const stopped = watching ? null : stoppedWords(watch);
  return (
    <div className="dp-desktop__notice" role="status" aria-live="polite" data-testid="shadow-notice">
      {watching && (
        <Alert variant="warning" isInline customIcon={<EyeIcon />} title={watching} data-testid="shadow-watching">
          They see your screen but cannot type, click or read your clipboard.
        </Alert>
      )}
      {stopped && (
        <Alert
          variant="info"
          isInline
          title={stopped}
          data-testid="shadow-stopped"
          actionClose={<AlertActionCloseButton title="Dismiss" onClose={onDismiss} />}
        />
      )}
    </div>
  );
}

function PhaseOverlay({ phase, onRetryNow }: { phase: DesktopPhase; onRetryNow(): void }) {
  if (phase.kind === 'connected') {
    return null;
  }
  return (
    <div className="dp-desktop__overlay" role="status" aria-live="polite" data-testid="desktop-overlay">
      {phase.kind === 'preparing' && (
        <div>
          <p>Your desktop is being prepared. It opens as soon as it is ready.</p>
          <Progress aria-label="Preparing your desktop" value={phase.progress ?? undefined} measureLocation={phase.progress === null ? 'none' : 'outside'} />
        </div>
      )}
      {phase.kind === 'connecting' && (
        <div>
          <Spinner size="xl" aria-hidden />
          <p>Connecting to your desktop…</p>
        </div>
      )}
      {phase.kind === 'reconnecting' && (
        <div>
          <Spinner size="xl" aria-hidden />
          {phase.cause ? (
            <p data-testid="desktop-unreachable">
              {phase.cause} Trying again (attempt {phase.attempt}
              {phase.of ? ` of ${phase.of}` : ''}) in {Math.ceil(phase.inMs / 1000)} s…
            </p>
          ) : (
            <p>
              The connection was interrupted. Reconnecting (attempt {phase.attempt}) in {Math.ceil(phase.inMs / 1000)} s…
            </p>
          )}
          <Button variant="primary" onClick={onRetryNow}>
            Retry now
          </Button>
        </div>
      )}
    </div>
  );
}
