import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Virtuoso, type Components, type VirtuosoHandle } from 'react-virtuoso';
import type { Message as ChatMessage } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import { selectCurrentRoom, useAppDispatch, useAppSelector } from '../store/index.ts';
import { messagesActions, type PendingMessage } from '../store/messages.ts';
import { readActions } from '../store/read.ts';
import { mentionsMe } from '../mentions.ts';
import { formatDateTime, formatDay, formatTime } from '../format.ts';
import { SCROLL_TO_END_ON_MOUNT, useFollowOutput, useTicker, useToday } from '../hooks.ts';
import { identityStyle, initialOf } from '../identity.ts';
import { placeAll, type PlaceOf, type Placed } from '../messageGroups.ts';
import { Button } from './Buttons.tsx';
import { Composer } from './Composer.tsx';
import { MessageSearch } from './MessageSearch.tsx';
import { MessageBody } from './MessageBody.tsx';
import { EditedMark, MessageActions, Reactions, ReplyQuote, type Names } from './MessageExtras.tsx';
import { Crown } from './RoomSettings.tsx';
import { Spinner } from './Spinner.tsx';

export { MessageBody } from './MessageBody.tsx';

/** A message's time; its full date and time on hover. */
function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatTime(iso)}
    </time>
  );
}

/** The round colored initial of a group's author (the name beside it says it in words). */
function Avatar({ name }: { name: string }) {
  return (
    <span className="avatar" aria-hidden="true">
      {initialOf(name)}
    </span>
  );
}

/** "Today", "Yesterday" or the date, above the first message of a day. */
export function DaySeparator({ iso }: { iso: string }) {
  const now = useToday();
  return (
    <div className="separator day-separator">
      <span>{formatDay(iso, now)}</span>
    </div>
  );
}

/**
 * The row of one message: others' on the left behind their avatar (or its gap), own ones on
 * the right. A group's first row carries the author line; the others are compact and show
 * their time beside the bubble on hover.
 */
function Row({
  uuid,
  own,
  head,
  avatarName,
  hoverTime,
  children,
}: {
  uuid: string | undefined;
  own: boolean;
  head: boolean;
  avatarName: string;
  hoverTime: string;
  children: ReactNode;
}) {
  return (
    <div
      className={`message-row${own ? ' own' : ''}${head ? ' head' : ' compact'}`}
      style={uuid === undefined ? undefined : identityStyle(uuid)}
    >
      {!own && (head ? <Avatar name={avatarName} /> : <span className="avatar-gap" />)}
      {children}
      {!head && (
        <span className="message-hover-time">
          <Time iso={hoverTime} />
        </span>
      )}
    </div>
  );
}

export const MessageItem = memo(function MessageItem({
  message,
  own,
  head = true,
  me,
  myName = '',
  names,
  jumped = false,
  onJump,
  roomOwner,
}: {
  message: ChatMessage;
  own: boolean;
  /** The uuid of the room's owner: a crown beside their name; the owner may delete any message. */
  roomOwner?: string | null | undefined;
  /** First of its group (the default): avatar and author line. */
  head?: boolean;
  me?: string | undefined;
  /** The reader's name: a message naming it (@name) stands out. */
  myName?: string;
  /** Names of users by uuid, as far as this page knows them (who reacted). */
  names?: Names;
  /** Just jumped to (from a reply): marked for a moment. */
  jumped?: boolean;
  onJump?: (seq: number) => void;
}) {
  const api = useApi();
  const dispatch = useAppDispatch();
  const { user, created } = message;
  const deleted = message.deleted !== null;
  const mention = !own && !deleted && mentionsMe(message.body, myName);
  const classes = [
    'message',
    own && 'own',
    deleted && 'deleted',
    jumped && 'jumped',
    mention && 'mention',
  ];
  return (
    <Row uuid={user.uuid} own={own} head={head} avatarName={user.name} hoverTime={created}>
      <div className={classes.filter(Boolean).join(' ')} data-seq={message.seq}>
        {head && (
          <div className="message-meta">
            <span className="message-author">{own ? `${user.name} (you)` : user.name}</span>
            {roomOwner === user.uuid && <Crown />} <Time iso={created} />
          </div>
        )}
        {message.reply_to && (
          <ReplyQuote reply={message.reply_to} onJump={(seq) => onJump?.(seq)} />
        )}
        {deleted ? (
          <p className="message-body">This message was deleted.</p>
        ) : (
          <MessageBody body={message.body} />
        )}
        {message.edited !== null && !deleted && <EditedMark at={message.edited} />}
        <Reactions
          reactions={message.reactions}
          me={me}
          names={names ?? NO_NAMES}
          onToggle={(emoji) => api.react(message.uuid, emoji)}
        />
      </div>
      <div className="message-actions-slot">
        <MessageActions
          message={message}
          own={own}
          mayDelete={own || (roomOwner != null && roomOwner === me)}
          onReply={() => dispatch(messagesActions.composingStarted({ kind: 'reply', message }))}
          onEdit={() => dispatch(messagesActions.composingStarted({ kind: 'edit', message }))}
          onDelete={() => api.deleteMessage(message.uuid)}
          onReact={(emoji) => api.react(message.uuid, emoji)}
          time={head ? undefined : <Time iso={created} />}
        />
      </div>
    </Row>
  );
});

const NO_NAMES: Names = new Map();

/**
 * Names of the authors of the list `current()` gives, found from its end when first asked for,
 * then kept until the list changes. One object for the list's life: the rows, memoized, are
 * not all drawn again because a message came (a reaction shows the names known when drawn).
 */
function authorNames(current: () => readonly ChatMessage[]): Names {
  let of: readonly ChatMessage[] | null = null;
  const known = new Map<string, string | undefined>();
  return {
    get(uuid) {
      const list = current();
      if (list !== of) {
        of = list;
        known.clear();
      }
      if (!known.has(uuid)) {
        let name: string | undefined;
        for (let i = list.length - 1; i >= 0 && name === undefined; i--) {
          if (list[i]!.user.uuid === uuid) name = list[i]!.user.name;
        }
        known.set(uuid, name);
      }
      return known.get(uuid);
    },
  };
}
/** Frames a jump to a reply's original asks Virtuoso to scroll, at most. */
const JUMP_FRAMES = 30;

export const PendingItem = memo(function PendingItem({
  pending,
  name,
  uuid,
  head = true,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  name: string;
  /** The user's own uuid: their color. */
  uuid?: string;
  head?: boolean;
  onRetry: (id: string) => void;
  onDiscard: (id: string) => void;
}) {
  // a message waiting for the connection is the client's still: sent by itself (once, with
  // its call id) when the room is back; its retry is a reconnect now
  const api = useApi();
  return (
    <Row uuid={uuid} own head={head} avatarName={name} hoverTime={pending.created}>
      <div
        className={pending.failed ? 'message own pending failed' : 'message own pending'}
        data-pending-id={pending.id}
      >
        <div className="message-meta">
          {head && (
            <>
              <span className="message-author">{name} (you)</span>{' '}
              <Time iso={pending.created} />{' '}
            </>
          )}
          {pending.failed ? (
            <span className="pending-state" role="alert">
              Not sent: {pending.failed} <Button onClick={() => onRetry(pending.id)}>Retry</Button>
              <Button onClick={() => onDiscard(pending.id)}>Discard</Button>
            </span>
          ) : pending.unsent ? (
            <span className="pending-state">
              Not sent: waiting for the connection…{' '}
              <Button onClick={() => api.retryNow()}>Retry now</Button>
            </span>
          ) : (
            <span className="pending-state">
              {pending.delayed !== undefined
                ? `Sending again soon: ${pending.delayed}`
                : 'Sending…'}
            </span>
          )}
        </div>
        {pending.reply_to && <ReplyQuote reply={pending.reply_to} onJump={() => undefined} />}
        <MessageBody body={pending.body} />
      </div>
    </Row>
  );
});

type Item = ChatMessage | PendingMessage;
const isPending = (i: Item): i is PendingMessage => !('seq' in i);

const parsed = new WeakMap<Item, number>();
/** An item's time in ms, parsed once per item (the list is placed again on every change). */
function timeOf(item: Item): number {
  let at = parsed.get(item);
  if (at === undefined) {
    at = Date.parse(item.created);
    parsed.set(item, at);
  }
  return at;
}

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

interface ListContext {
  loadingOlder: boolean;
  hasOlder: boolean;
}

/** Above the first message: older ones loading, more to scroll to, or the room's beginning. */
const LIST_PARTS: Components<Placed<Item>, ListContext> = {
  Header: ({ context }) =>
    context.loadingOlder ? (
      <Spinner label="Loading older messages" />
    ) : !context.hasOlder ? (
      <p className="history-start">The beginning of this room.</p>
    ) : (
      <div className="history-more" />
    ),
};
/** Pixels drawn beyond the list's box, above and below. */
const OVERSCAN = { top: 400, bottom: 200 };
const keyOf = (_: number, { item }: Placed<Item>) => (isPending(item) ? `p-${item.id}` : item.uuid);

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
  const roomOwner = useAppSelector((s) => selectCurrentRoom(s)?.owner);
  const dispatch = useAppDispatch();
  const ref = useRef<VirtuosoHandle>(null);
  const stick = useRef(false);
  // while the reader follows the newest messages, the store lets the oldest go (the window)
  const onFollowing = useCallback(
    (on: boolean) => {
      dispatch(messagesActions.followingChanged(on));
    },
    [dispatch],
  );
  const { following, follow, atEnd, scrollerRef } = useFollowOutput(onFollowing);
  // a list not shown opens at its end again
  useEffect(() => () => onFollowing(true), [onFollowing]);
  const scroller = useRef<HTMLElement | null>(null);
  const onScroller = useCallback(
    (el: HTMLElement | Window | null) => {
      scroller.current = el instanceof HTMLElement ? el : null;
      scrollerRef(el);
    },
    [scrollerRef],
  );
  const roomUuid = useAppSelector((s) => s.messages.roomUuid);
  const readSeq = useAppSelector((s) => (roomUuid === null ? undefined : s.read.seq[roomUuid]));
  // the page counts as seen while visible (unread counts in the title go back to 0 then)
  const hiddenUnread = useAppSelector((s) => s.ui.unread);
  const lastSeq = list[list.length - 1]?.seq;
  // read up to the newest message while the list shows its end on a visible page
  useEffect(() => {
    if (roomUuid === null || lastSeq === undefined || !atEnd || document.hidden) return;
    dispatch(readActions.readTo({ room: roomUuid, seq: lastSeq }));
  }, [roomUuid, lastSeq, atEnd, hiddenUnread, dispatch]);
  // "New messages" above the first one after what was read before entering
  const divider = useRef<{ room: string | null; after: number | undefined }>({
    room: null,
    after: undefined,
  });
  if (divider.current.room !== roomUuid && list.length > 0) {
    divider.current = { room: roomUuid, after: readSeq };
  }
  const newAfter = divider.current.after;
  const newBelow = !atEnd && readSeq !== undefined && lastSeq !== undefined ? lastSeq - readSeq : 0;
  /** The message a reply's quote asked for: older pages load until it is there. */
  const [jump, setJump] = useState<number | null>(null);
  const [jumped, setJumped] = useState<number | null>(null);
  // who reacted, named as far as the messages here say: looked up when a reaction is shown,
  // not the whole list gone through on every new message
  const listRef = useRef(list);
  useEffect(() => {
    listRef.current = list;
  }, [list]);
  const [names] = useState(() => authorNames(() => listRef.current));

  const items = useMemo<Item[]>(
    () => (pending.length === 0 ? list : [...list, ...pending]),
    [list, pending],
  );
  // grouping and day separators, each from the item before it: prepending older pages moves
  // nothing below, and a pending message joins its author's last group
  // (each message's place is kept while the one before it stays: a new message places itself)
  const placed = useMemo(() => new WeakMap<Item, PlaceOf<Item>>(), [meUuid]);
  const rows = useMemo(
    () =>
      placeAll(
        items,
        (i) => ({ author: isPending(i) ? (meUuid ?? '') : i.user.uuid, at: timeOf(i) }),
        !hasOlder,
        placed,
      ),
    [items, meUuid, hasOlder, placed],
  );
  // seq is 1, 2, 3 ... without gaps, so it is the absolute index Virtuoso needs for prepends
  const firstItemIndex = list[0]?.seq ?? 1;
  // The store lets the oldest messages go while the list follows its end (the window). Told
  // so by a larger firstItemIndex, Virtuoso (4.18) at times stopped drawing the last rows, or
  // any row, for good: the list is shown anew instead, at its end, where its reader is.
  const cuts = useRef({ first: firstItemIndex, count: 0 });
  if (firstItemIndex > cuts.current.first) {
    cuts.current = { first: firstItemIndex, count: cuts.current.count + 1 };
  } else {
    cuts.current.first = firstItemIndex;
  }
  const cut = cuts.current.count;

  // an own new message always scrolls to it
  const lastPending = pending[pending.length - 1]?.id;
  useEffect(() => {
    if (lastPending !== undefined) stick.current = true;
  }, [lastPending]);

  useEffect(() => {
    if (jump === null) return;
    if (!list.some((m) => m.seq === jump)) {
      setJump(null);
      return;
    }
    // Virtuoso counts indexes from firstItemIndex, the first seq held: a message's is its seq.
    // It may still be laying out pages just prepended (keeping the view still) and drop a
    // scroll asked meanwhile: asked again each frame until the message is on screen.
    const seq = jump;
    let frame = 0;
    let tries = 0;
    const go = () => {
      const el = scroller.current;
      const shown = el?.querySelector(`.message[data-seq="${seq}"]`);
      if (shown || ++tries > JUMP_FRAMES) {
        setJumped(seq);
        setJump(null);
        // a message among the newest: the list is still at its end, and follows it again
        if (el && el.scrollHeight - el.scrollTop - el.clientHeight <= 1) follow(true);
        return;
      }
      ref.current?.scrollToIndex({ index: seq, align: 'center', behavior: 'auto' });
      frame = requestAnimationFrame(go);
    };
    frame = requestAnimationFrame(go);
    return () => cancelAnimationFrame(frame);
  }, [jump, list, follow]);
  useEffect(() => {
    if (jumped === null) return;
    const t = setTimeout(() => setJumped(null), 2000);
    return () => clearTimeout(t);
  }, [jumped]);
  // the original may be pages back: load them, then go to it; the list lets go of its end
  // meanwhile (the pages loaded stay, and new messages do not pull it back down)
  const onJump = useCallback(
    (seq: number) => {
      const was = following();
      follow(false);
      void api.loadUntil(seq).then((held) => (held ? setJump(seq) : follow(was)));
    },
    [api, following, follow],
  );
  // a jump asked from outside the list (a search result)
  const jumpTo = useAppSelector((s) => s.messages.jumpTo);
  useEffect(() => {
    if (jumpTo === null) return;
    dispatch(messagesActions.jumpRequested(null));
    onJump(jumpTo);
  }, [jumpTo, onJump, dispatch]);

  const onRetry = useCallback((id: string) => api.retryMessage(id), [api]);
  const onDiscard = useCallback(
    (id: string) => dispatch(messagesActions.pendingRemoved(id)),
    [dispatch],
  );

  // Virtuoso is given the same props while nothing they depend on changed: each new value is
  // published through its state, a new `components` remounts the header, a new itemContent
  // draws every row again
  const empty = items.length === 0;
  const initialTop = useMemo(
    () => (SCROLL_TO_END_ON_MOUNT ? { index: items.length - 1, align: 'end' as const } : undefined),
    // read once, when the list is shown (first, and after each cut)
    [empty, cut],
  );
  const followOutput = useCallback(() => {
    if (stick.current) {
      stick.current = false;
      return 'auto' as const;
    }
    return following() ? ('auto' as const) : false;
  }, [following]);
  const startReached = useCallback(() => api.loadOlder(), [api]);
  const context = useMemo(() => ({ loadingOlder, hasOlder }), [loadingOlder, hasOlder]);
  const itemContent = useCallback(
    (_: number, { item, day, head }: Placed<Item>) => (
      <>
        {day && <DaySeparator iso={item.created} />}
        {!isPending(item) && newAfter !== undefined && item.seq === newAfter + 1 && (
          <div className="separator new-separator" role="separator">
            <span>New messages</span>
          </div>
        )}
        {isPending(item) ? (
          <PendingItem
            pending={item}
            name={meName}
            uuid={meUuid}
            head={head}
            onRetry={onRetry}
            onDiscard={onDiscard}
          />
        ) : (
          <MessageItem
            message={item}
            own={item.user.uuid === meUuid}
            head={head}
            me={meUuid}
            myName={meName}
            names={names}
            jumped={item.seq === jumped}
            onJump={onJump}
            roomOwner={roomOwner}
          />
        )}
      </>
    ),
    [newAfter, meName, meUuid, names, jumped, onJump, onRetry, onDiscard, roomOwner],
  );

  if (!loaded) return <Spinner label="Loading messages" />;
  if (empty) {
    return (
      <div className="messages-empty">
        <p className="empty">No messages yet</p>
      </div>
    );
  }
  return (
    <div className="message-list-wrap" data-held={list.length}>
      <Virtuoso<Placed<Item>, ListContext>
        key={cut}
        ref={ref}
        className="message-list"
        data={rows}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={initialTop}
        alignToBottom
        increaseViewportBy={OVERSCAN}
        computeItemKey={keyOf}
        followOutput={followOutput}
        scrollerRef={onScroller}
        startReached={startReached}
        context={context}
        components={LIST_PARTS}
        itemContent={itemContent}
      />
      {!atEnd && (
        <Button
          variant="primary"
          className="jump-latest"
          onClick={() => {
            follow(true);
            ref.current?.scrollToIndex({ index: 'LAST', behavior: 'auto' });
          }}
        >
          {newBelow > 0 ? `Jump to latest (${newBelow} new)` : 'Jump to latest'}
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
  const status = useAppSelector((s) => s.rooms.status);
  return (
    <section className="messages panel-body" aria-label="Messages">
      <MessageSearch />
      <MessageList />
      <NewMessageAnnouncer />
      <TypingIndicator />
      <Composer disabled={status !== 'entered'} />
    </section>
  );
}
