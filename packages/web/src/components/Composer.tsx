import { useCallback, useMemo, useRef } from 'react';
import { useIsPhone } from '../hooks.ts';
import { replyOf, type Message } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import { emojiCompleter, emojified, mayHoldShortcode } from '../emoji.ts';
import { mentionCompleter } from '../mentionComplete.ts';
import { selectRoomUsers, useAppDispatch, useAppSelector } from '../store/index.ts';
import { messagesActions } from '../store/messages.ts';
import { Button } from './Buttons.tsx';
import { EmojiPickerButton } from './EmojiPickerButton.tsx';
import { MessageInput } from './Input.tsx';

/**
 * The message box of a room, with what it is doing: a new message, a reply (the message
 * answered shown above it) or an edit of one's own (Up arrow in the empty box edits the last).
 * Emoji shortcodes (":tada:") and the names of the room's users ("@Amber Otter") complete as
 * they are typed; the emoji button beside it inserts any emoji.
 */
export function Composer({ disabled }: { disabled: boolean }) {
  const api = useApi();
  const dispatch = useAppDispatch();
  const composing = useAppSelector((s) => s.messages.composing);
  const list = useAppSelector((s) => s.messages.list);
  const me = useAppSelector((s) => s.user.me?.uuid);
  const room = useAppSelector((s) => s.messages.roomUuid);
  const phone = useIsPhone();
  const users = useAppSelector(selectRoomUsers);
  const completers = useMemo(
    () => [
      emojiCompleter,
      mentionCompleter(() => users.filter((u) => u.uuid !== me).map((u) => u.name)),
    ],
    [users, me],
  );
  const cancel = useCallback(() => dispatch(messagesActions.composingStarted(null)), [dispatch]);
  const editing = composing?.kind === 'edit' ? composing.message : null;

  // a message that waits for the emoji data (to turn its shortcodes into emoji): the next
  // ones wait behind it, so that they go in the order they were written
  const waiting = useRef<Promise<void> | null>(null);
  const onSend = (typed: string) => {
    const replyTo = composing && !editing ? replyOf(composing.message) : undefined;
    const go = (body: string) => {
      if (editing) {
        if (body.trim() !== editing.body) api.editMessage(editing.uuid, body);
      } else api.sendMessage(body, replyTo);
    };
    cancel();
    if (!waiting.current && !mayHoldShortcode(typed)) {
      go(typed);
      return;
    }
    // shortcodes the box did not turn into emoji as they were typed (pasted text)
    const sent = (waiting.current ?? Promise.resolve()).then(() => emojified(typed)).then(go);
    waiting.current = sent;
    void sent.finally(() => {
      if (waiting.current === sent) waiting.current = null;
    });
  };
  const editLast = () => {
    const last = findLast(list, (m) => m.user.uuid === me && m.deleted === null);
    if (last) dispatch(messagesActions.composingStarted({ kind: 'edit', message: last }));
  };

  return (
    <div className="composer">
      {composing && (
        <div className="composer-bar">
          <span className="composer-what">
            {editing ? 'Editing your message' : `Replying to ${composing.message.user.name}`}
          </span>
          <span className="composer-excerpt">{replyOf(composing.message).excerpt}</span>
          <Button onClick={cancel} aria-label={editing ? 'Cancel editing' : 'Cancel reply'}>
            Cancel
          </Button>
        </div>
      )}
      <MessageInput
        // a new box for each room (with its draft) and each edit (with that message's text)
        key={editing ? `edit-${editing.uuid}` : `new-${room}`}
        initial={editing?.body ?? (room === null ? '' : drafts.get(room))}
        onDraft={editing || room === null ? undefined : (text) => drafts.set(room, text)}
        // on a phone the keyboard would cover the room just entered
        autoFocus={!phone}
        onSend={onSend}
        onTyping={editing ? undefined : () => api.typing()}
        disabled={disabled}
        onEmptyUp={editLast}
        onEscape={composing ? cancel : undefined}
        submitLabel={editing ? 'Save' : 'Send'}
        completers={completers}
        tools={(insert) => (
          <EmojiPickerButton className="icon emoji-button" label="Insert an emoji" onPick={insert}>
            ☺
          </EmojiPickerButton>
        )}
      />
    </div>
  );
}

function findLast(list: readonly Message[], ok: (m: Message) => boolean): Message | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (ok(list[i]!)) return list[i];
  return undefined;
}

/** What was typed and not sent in each room, kept in this browser (localStorage) for a day. */
export const drafts = {
  key: (room: string) => `draft:${room}`,
  get(room: string): string {
    try {
      const raw = localStorage.getItem(this.key(room));
      if (raw === null) return '';
      const { text, at } = JSON.parse(raw) as { text: string; at: number };
      return Date.now() - at < DRAFT_TTL_MS ? text : '';
    } catch {
      return '';
    }
  },
  set(room: string, text: string): void {
    try {
      if (text.trim() === '') localStorage.removeItem(this.key(room));
      else localStorage.setItem(this.key(room), JSON.stringify({ text, at: Date.now() }));
    } catch {
      // storage full or blocked: the draft lives as long as the box
    }
  },
};

const DRAFT_TTL_MS = 24 * 60 * 60 * 1000;
