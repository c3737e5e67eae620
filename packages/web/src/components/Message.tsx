import { memo, useCallback, useEffect, useMemo, useRef } from 'react';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import type { Message as ChatMessage } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import { useAppDispatch, useAppSelector } from '../store/index.ts';
import { messagesActions, type PendingMessage } from '../store/messages.ts';
import { formatDateTime, formatTime, linkify } from '../format.ts';
import { SCROLL_TO_END_ON_MOUNT, useFollowOutput, useTicker } from '../hooks.ts';
import { Button } from './Buttons.tsx';
import { MessageInput } from './Input.tsx';
import { Spinner } from './Spinner.tsx';

/** Text with clickable http(s) links; never HTML. */
export function MessageBody({ body }: { body: string }) {
  const pieces = useMemo(() => linkify(body), [body]);
  return (
    <p className="message-body">
      {pieces.map((p, i) =>
        p.kind === 'link' ? (
          <a key={i} href={p.href} target="_blank" rel="noopener noreferrer">
            {p.text}
          </a>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </p>
  );
}

export const MessageItem = memo(function MessageItem({
  message,
  own,
}: {
  message: ChatMessage;
  own: boolean;
}) {
  return (
    <div className={own ? 'message own' : 'message'} data-seq={message.seq}>
      <div className="message-meta">
        <span className="message-author">
          {own ? `${message.user.name} (you)` : message.user.name}
        </span>{' '}
        <time dateTime={message.created} title={formatDateTime(message.created)}>
          {formatTime(message.created)}
        </time>
      </div>
      <MessageBody body={message.body} />
    </div>
  );
});

export const PendingItem = memo(function PendingItem({
  pending,
  name,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  name: string;
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
}) {
  return (
    <div
      className={pending.failed ? 'message own pending failed' : 'message own pending'}
      data-pending-id={pending.id}
    >
      <div className="message-meta">
        <span className="message-author">{name} (you)</span>{' '}
        <time dateTime={pending.created}>{formatTime(pending.created)}</time>{' '}
        {pending.failed ? (
          <span className="pending-state" role="alert">
            Not sent: {pending.failed} <Button onClick={() => onRetry(pending.id)}>Retry</Button>
            <Button onClick={() => onDiscard(pending.id)}>Discard</Button>
          </span>
        ) : (
          <span className="pending-state">
            {pending.unsent
              ? 'Waiting for connection…'
              : pending.delayed !== undefined
                ? `Sending again soon: ${pending.delayed}`
                : 'Sending…'}
          </span>
        )}
      </div>
      <MessageBody body={pending.body} />
    </div>
  );
});

type Item = ChatMessage | PendingMessage;
const isPending = (i: Item): i is PendingMessage => !('seq' in i);

export function TypingIndicator() {
  const dispatch = useAppDispatch();
  const typing = useAppSelector((s) => s.messages.typing);
  const names = Object.values(typing);
  const now = useTicker(1000, names.length > 0);
  useEffect(() => {
    if (names.length > 0) dispatch(messagesActions.typingExpired(now - 3500));
  }, [now, names.length, dispatch]);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]!.name} is typing...`
        : names.length === 2
          ? `${names[0]!.name} and ${names[1]!.name} are typing...`
          : `${names.length} people are typing...`;
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}

/**
 * The messages of the room: newest at the bottom, follows the bottom while the reader is
 * there, "Jump to latest" otherwise, older pages loaded on scroll up (reverse infinite scroll).
 */
export function MessageList() {
  const api = useApi();
  const list = useAppSelector((s) => s.messages.list);
  const pending = useAppSelector((s) => s.messages.pending);
  const loaded = useAppSelector((s) => s.messages.loaded);
  const hasOlder = useAppSelector((s) => s.messages.hasOlder);
  const loadingOlder = useAppSelector((s) => s.messages.loadingOlder);
  const meUuid = useAppSelector((s) => s.user.me?.uuid);
  const meName = useAppSelector((s) => s.user.me?.name ?? '');
  const dispatch = useAppDispatch();
  const ref = useRef<VirtuosoHandle>(null);
  const stick = useRef(false);
  const { following, atEnd, scrollerRef } = useFollowOutput();

  const items = useMemo<Item[]>(
    () => (pending.length === 0 ? list : [...list, ...pending]),
    [list, pending],
  );
  // seq is 1, 2, 3 ... without gaps, so it is the absolute index Virtuoso needs for prepends
  const firstItemIndex = list[0]?.seq ?? 1;

  // an own new message always scrolls to it
  const lastPending = pending[pending.length - 1]?.id;
  useEffect(() => {
    if (lastPending !== undefined) stick.current = true;
  }, [lastPending]);

  const onRetry = useCallback((id: string) => api.retryMessage(id), [api]);
  const onDiscard = useCallback(
    (id: string) => dispatch(messagesActions.pendingRemoved(id)),
    [dispatch],
  );

  if (!loaded) return <Spinner label="Loading messages" />;
  if (items.length === 0) {
    return (
      <div className="messages-empty">
        <p className="empty">No messages yet</p>
      </div>
    );
  }
  return (
    <div className="message-list-wrap">
      <Virtuoso<Item>
        ref={ref}
        className="message-list"
        data={items}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={
          SCROLL_TO_END_ON_MOUNT ? { index: items.length - 1, align: 'end' } : undefined
        }
        alignToBottom
        increaseViewportBy={{ top: 400, bottom: 200 }}
        computeItemKey={(_, item) => (isPending(item) ? `p-${item.id}` : item.uuid)}
        followOutput={() => {
          if (stick.current) {
            stick.current = false;
            return 'auto';
          }
          return following() ? 'auto' : false;
        }}
        scrollerRef={scrollerRef}
        startReached={() => api.loadOlder()}
        components={{
          Header: () =>
            loadingOlder ? (
              <Spinner label="Loading older messages" />
            ) : !hasOlder ? (
              <p className="history-start">The beginning of this room.</p>
            ) : (
              <div className="history-more" />
            ),
        }}
        itemContent={(_, item) =>
          isPending(item) ? (
            <PendingItem pending={item} name={meName} onRetry={onRetry} onDiscard={onDiscard} />
          ) : (
            <MessageItem message={item} own={item.user.uuid === meUuid} />
          )
        }
      />
      {!atEnd && (
        <Button
          variant="primary"
          className="jump-latest"
          onClick={() => ref.current?.scrollToIndex({ index: 'LAST', behavior: 'auto' })}
        >
          Jump to latest
        </Button>
      )}
    </div>
  );
}

/** Tells screen readers about the newest message from someone else. */
function NewMessageAnnouncer() {
  const me = useAppSelector((s) => s.user.me?.uuid);
  const last = useAppSelector((s) => s.messages.list[s.messages.list.length - 1]);
  const text = last && last.user.uuid !== me ? `${last.user.name}: ${last.body}` : '';
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true">
      {text.length > 300 ? `${text.slice(0, 300)}…` : text}
    </div>
  );
}

export function MessagesPanel() {
  const api = useApi();
  const status = useAppSelector((s) => s.rooms.status);
  const onSend = useCallback((body: string) => void api.sendMessage(body), [api]);
  const onTyping = useCallback(() => api.typing(), [api]);
  return (
    <section className="messages panel-body" aria-label="Messages">
      <MessageList />
      <NewMessageAnnouncer />
      <TypingIndicator />
      <MessageInput onSend={onSend} onTyping={onTyping} disabled={status !== 'entered'} />
    </section>
  );
}
