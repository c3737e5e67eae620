import { useEffect, useState } from 'react';
import { Button } from '../components/Buttons.tsx';
import { Spinner } from '../components/Spinner.tsx';

type DrawingModule = typeof import('../components/Drawing.tsx');

/** The board's code once loaded. */
let loaded: DrawingModule | null = null;
let loading: Promise<DrawingModule> | null = null;

/**
 * Loads the board's code (only the drawing tab needs it). A room page asks for it ahead of
 * time, so that the tab shows the board at once when opened.
 */
export function loadDrawing(): Promise<DrawingModule> {
  loading ??= import('../components/Drawing.tsx').then(
    (m) => (loaded = m),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * The drawing tab: the board, or a spinner while its code loads. Not React.lazy: Suspense
 * would reveal the board no sooner than 300 ms after its fallback, even when loaded sooner.
 */
export function DrawingTab() {
  const [code, setCode] = useState(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (code || failed) return;
    let live = true;
    loadDrawing().then(
      (m) => live && setCode(m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [code, failed]);
  if (code) return <code.default />;
  if (failed) {
    return (
      <section className="panel-body centered" aria-label="Drawing">
        <p role="alert">The drawing board could not be loaded.</p>
        <Button onClick={() => setFailed(false)}>Try again</Button>
      </section>
    );
  }
  return <Spinner label="Loading the drawing board" />;
}
