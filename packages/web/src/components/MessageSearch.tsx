import { useState } from 'react';
import type { Message } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import { describeError } from '../api/chatApi.ts';
import { useAppDispatch } from '../store/index.ts';
import { messagesActions } from '../store/messages.ts';
import { formatDateTime } from '../format.ts';
import { Button } from './Buttons.tsx';

interface Found {
  query: string;
  list: Message[];
  hasMore: boolean;
}

/**
 * Search in the room's messages (whole words): results newest first, more on request;
 * choosing one scrolls the list to it, loading the pages between.
 */
export function MessageSearch() {
  const api = useApi();
  const dispatch = useAppDispatch();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const search = async (query: string, before?: number) => {
    if (query.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      const page = await api.searchMessages(query, before);
      setFound((f) => ({
        query: page.query,
        list: before !== undefined && f ? [...f.list, ...page.list] : page.list,
        hasMore: page.has_more,
      }));
    } catch (err) {
      setError(describeError(err) ?? 'The search failed.');
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setOpen(false);
    setFound(null);
    setText('');
  };

  if (!open) {
    return (
      <div className="message-search closed">
        <Button onClick={() => setOpen(true)}>Search messages</Button>
      </div>
    );
  }
  return (
    <div className="message-search" role="search">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search(text);
        }}
      >
        <input
          type="search"
          className="search"
          aria-label="Search messages"
          placeholder="Words to find"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
          // opened by the user, to type in
          autoFocus
        />
        <Button type="submit" variant="primary" disabled={busy}>
          Find
        </Button>
        <Button onClick={close}>Close</Button>
      </form>
      {error && (
        <p className="input-error" role="alert">
          {error}
        </p>
      )}
      {found && (
        <div className="search-results" aria-live="polite">
          <p className="muted small">
            {found.list.length === 0
              ? `Nothing holds "${found.query}".`
              : `${found.list.length}${found.hasMore ? '+' : ''} found, newest first`}
          </p>
          <ul>
            {found.list.map((m) => (
              <li key={m.uuid}>
                <button
                  type="button"
                  className="search-result"
                  onClick={() => dispatch(messagesActions.jumpRequested(m.seq))}
                >
                  <span className="search-result-meta">
                    {m.user.name} · <time dateTime={m.created}>{formatDateTime(m.created)}</time>
                  </span>
                  <span className="search-result-body">{m.body}</span>
                </button>
              </li>
            ))}
          </ul>
          {found.hasMore && (
            <Button
              disabled={busy}
              onClick={() => void search(found.query, found.list.at(-1)?.seq)}
            >
              More
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
