import { memo, useState } from 'react';
import { Virtuoso } from 'react-virtuoso';
import { useAppDispatch, type RootState } from '../store/index.ts';
import { logActions, type LogEntry } from '../store/log.ts';
import { formatLogTime } from '../format.ts';
import { SCROLL_TO_END_ON_MOUNT, useFollowOutput, useSlowSelector } from '../hooks.ts';
import { Button } from './Buttons.tsx';

/** One statement (memoized: the log of a busy room grows every frame, its rows do not change). */
const LogItem = memo(function LogItem({ entry }: { entry: LogEntry }) {
  const [open, setOpen] = useState(false);
  const arrow = entry.direction === 'out' ? '↑' : '↓';
  const dirText = entry.direction === 'out' ? 'sent' : 'received';
  return (
    <div className={`log-item log-${entry.direction} log-type-${entry.type}`}>
      <button
        type="button"
        className="log-summary"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <time className="log-time">{formatLogTime(entry.time)}</time>{' '}
        <span className="log-dir" aria-label={dirText} title={dirText}>
          {arrow}
        </span>{' '}
        <span className="log-type">{entry.type}</span>{' '}
        <span className="log-message">{entry.message}</span>
      </button>
      {open && <pre className="log-text">{entry.text}</pre>}
    </div>
  );
});

/**
 * The log is drawn again at most this often: in a busy room it grows each frame, faster than
 * anyone reads it, and drawing it each time took as long as the messages.
 */
export const LOG_REFRESH_MS = 250;
const selectLog = (s: RootState) => s.log;

/** Every statement sent and received, newest at the bottom, virtualized. */
export function Log() {
  const dispatch = useAppDispatch();
  const { entries, dropped } = useSlowSelector(selectLog, LOG_REFRESH_MS);
  const { following, scrollerRef } = useFollowOutput();
  return (
    <section className="log panel-body" aria-label="Event log">
      <div className="panel-toolbar">
        <h2 className="panel-title">Event log</h2>
        <span className="muted small" aria-live="off">
          {entries.length} statements{dropped > 0 ? ` (${dropped} older dropped)` : ''}
        </span>
        <Button onClick={() => dispatch(logActions.cleared())}>Clear log</Button>
      </div>
      {entries.length === 0 ? (
        <p className="empty">Nothing sent or received yet.</p>
      ) : (
        <Virtuoso
          className="log-list"
          data={entries}
          computeItemKey={(_, e) => e.id}
          followOutput={() => (following() ? 'auto' : false)}
          scrollerRef={scrollerRef}
          initialTopMostItemIndex={SCROLL_TO_END_ON_MOUNT ? entries.length - 1 : undefined}
          itemContent={(_, e) => <LogItem entry={e} />}
        />
      )}
    </section>
  );
}
