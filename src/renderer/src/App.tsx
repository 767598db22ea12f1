// The window: navigation, the current screen, and file drops anywhere (they go to the Data screen).
import { useEffect, useState, type DragEvent } from 'react';
import { useAppState } from './store/app-store';
import type { Screen } from './store/route';
import { NAV_SCREENS, navKey, screenForKey } from '../../shared/screens';
import { DataScreen } from './screens/DataScreen';
import { TrainScreen } from './screens/TrainScreen';
import { RunsScreen } from './screens/RunsScreen';
import { CompareScreen } from './screens/CompareScreen';
import { ModelsScreen } from './screens/ModelsScreen';
import { ScoreScreen } from './screens/ScoreScreen';
import { TuneScreen } from './screens/TuneScreen';
import { MonitorScreen } from './screens/MonitorScreen';
import { useMonitor } from './store/monitor-store';
import { PipelinesScreen } from './screens/PipelinesScreen';
import { useScore } from './store/score-store';
import { ErrorNotice } from './components/ErrorNotice';
import { MlflowTransfer } from './components/MlflowTransfer';
import { useReveal } from './components/useReveal';


const hasFiles = (e: DragEvent): boolean => [...e.dataTransfer.types].includes('Files');

/** The skip link's target: the screen's main control (the runs table's row), else its heading. */
function skipToContent(): void {
  const target = document.querySelector<HTMLElement>('main [data-skip-target]') ?? document.querySelector<HTMLElement>('main h2');
  if (target && !target.hasAttribute('tabindex')) target.tabIndex = -1;
  target?.focus();
}

/** The screens whose form shows the window's error (training, scoring, monitoring start there). */
const OWN_ERROR_SCREENS: ReadonlySet<Screen> = new Set(['train', 'score', 'monitor']);

function WindowError() {
  const { error, retry, dismissError } = useAppState('error', 'retry', 'dismissError');
  const ref = useReveal<HTMLDivElement>(error, { focus: false });
  return <div ref={ref}><ErrorNotice variant="toast" error={error} onRetry={retry ?? undefined} onDismiss={dismissError} /></div>;
}

export function App() {
  const { route, info, client, navigate, importFiles, connected } = useAppState('route', 'info', 'client', 'navigate', 'importFiles', 'connected');
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // Alt+N opens the sidebar's Nth screen, in browser mode too (the desktop menu has Ctrl/Cmd+N, same list).
    const onKey = (e: KeyboardEvent) => {
      // e.code too: on a Mac, Alt+3 types "£", not "3".
      const screen = e.altKey ? screenForKey(e.key) ?? screenForKey(e.code.replace(/^Digit/, '')) : null;
      if (screen) { navigate({ screen }); e.preventDefault(); }
    };
    window.addEventListener('keydown', onKey);
    const off = client?.onCommand((command) => {
      if (command === 'open-files') { navigate({ screen: 'data', runId: null }); setTimeout(() => document.querySelector<HTMLInputElement>('[data-testid="file-input"]')?.click(), 0); }
      else navigate({ screen: command.slice(3) as Screen, runId: null });
    });
    return () => { window.removeEventListener('keydown', onKey); off?.(); };
  }, [client, navigate]);

  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    if (files.length === 0) return;
    // Dropped on the Score screen, files are imported and ticked for scoring; anywhere else they go to Data.
    if (route.screen === 'monitor') {
      void importFiles(files).then((outcomes) => useMonitor.getState().add(outcomes.flatMap((o) => (o.ok ? [o.dataset.datasetId] : []))));
      return;
    }
    if (route.screen === 'score') {
      void importFiles(files).then((outcomes) => useScore.getState().add(outcomes.flatMap((o) => (o.ok ? [o.dataset.datasetId] : []))));
      return;
    }
    navigate({ screen: 'data', runId: null });
    void importFiles(files);
  };

  return (
    <div className={`app${dragging ? ' dragging' : ''}`} onDragOver={(e) => { if (hasFiles(e)) { e.preventDefault(); setDragging(true); } }}
      onDragLeave={(e) => { if (e.currentTarget === e.target) setDragging(false); }} onDrop={onDrop} data-testid="app">
      <button className="skip" onClick={skipToContent}>Skip to content</button>
      <nav className="nav" aria-label="screens">
        <h1>Meter</h1>
        {NAV_SCREENS.map((s, i) => (
          <a key={s.screen} href={`#/${s.screen}`} aria-current={route.screen === s.screen || (s.screen === 'runs' && route.screen === 'compare') ? 'page' : undefined}
            aria-keyshortcuts={`Alt+${navKey(i)}`} title={`Alt+${navKey(i)}`} onClick={(e) => { e.preventDefault(); navigate({ screen: s.screen, runId: null }); }}>{s.label}</a>
        ))}
        {info && <div className="foot" title={info.dbPath}>v{info.version} · {client?.mode === 'browser' ? 'browser mode' : 'desktop'}<br />{info.home}</div>}
      </nav>
      <main>
        {!connected && (
          <p className="card lost" role="alert" data-testid="connection-lost">
            Lost the connection to Meter's core (was <code>meter ui</code> stopped or restarted?). Retrying; what is shown may be out of date until it is back.
          </p>
        )}
        {/* The window's last failure, at the top of the page in the flow (newcomer trial 3: fixed in the
            corner it covered buttons at 1024 px), brought into view when it comes; not on the screens that
            show it by their own form (it was there twice). */}
        {!OWN_ERROR_SCREENS.has(route.screen) && <WindowError />}
        <MlflowTransfer />
        {route.screen === 'data' && <DataScreen />}
        {route.screen === 'train' && <TrainScreen />}
        {route.screen === 'runs' && <RunsScreen />}
        {route.screen === 'compare' && <CompareScreen />}
        {route.screen === 'models' && <ModelsScreen />}
        {route.screen === 'score' && <ScoreScreen />}
        {route.screen === 'tune' && <TuneScreen />}
        {route.screen === 'monitor' && <MonitorScreen />}
        {route.screen === 'pipelines' && <PipelinesScreen />}
      </main>
    </div>
  );
}
