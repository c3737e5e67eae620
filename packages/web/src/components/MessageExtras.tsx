import { memo, useState, type ReactNode } from 'react';
import type { Message, Reaction, ReplyTo } from '@chat/protocol';
import { formatDateTime } from '../format.ts';
import { Button } from './Buttons.tsx';
import { EmojiPickerButton } from './EmojiPickerButton.tsx';

/** The reactions offered on every message, one click away. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'] as const;

/** The message a reply answers, as it was: clicking it goes to the original. */
export function ReplyQuote({ reply, onJump }: { reply: ReplyTo; onJump: (seq: number) => void }) {
  return (
    <button
      type="button"
      className="reply-quote"
      onClick={() => onJump(reply.seq)}
      aria-label={`Go to the message of ${reply.name} this answers`}
    >
      <span className="reply-name">{reply.name}</span>{' '}
      <span className="reply-excerpt">{reply.excerpt}</span>
    </button>
  );
}

/** "(edited)", with the time of the last edit on hover. */
export function EditedMark({ at }: { at: string }) {
  return (
    <span className="message-edited" title={`Edited ${formatDateTime(at)}`}>
      (edited)
    </span>
  );
}

/** Users' names by uuid, as far as the page knows them (a Map will do). */
export interface Names {
  get(uuid: string): string | undefined;
}

/** Who reacted, as far as this page knows their names (the first ones listed by the server). */
function reactors(r: Reaction, me: string | undefined, names: Names) {
  const known = r.users.map((u) => (u === me ? 'you' : (names.get(u) ?? 'someone')));
  const more = r.count - r.users.length;
  return more > 0 ? `${known.join(', ')} and ${more} more` : known.join(', ');
}

/** A message's reactions: each emoji with its count, pressed when one of them is yours. */
export const Reactions = memo(function Reactions({
  reactions,
  me,
  names,
  onToggle,
}: {
  reactions: readonly Reaction[];
  me: string | undefined;
  names: Names;
  onToggle: (emoji: string) => void;
}) {
  if (reactions.length === 0) return null;
  return (
    <div className="reactions">
      {reactions.map((r) => {
        const mine = me !== undefined && r.users.includes(me);
        return (
          <button
            key={r.emoji}
            type="button"
            className={mine ? 'reaction mine' : 'reaction'}
            aria-pressed={mine}
            title={`${r.emoji} by ${reactors(r, me, names)}`}
            aria-label={`${r.emoji} ${r.count}, by ${reactors(r, me, names)}`}
            onClick={() => onToggle(r.emoji)}
          >
            <span aria-hidden="true">{r.emoji}</span> {r.count}
          </button>
        );
      })}
    </div>
  );
});

/**
 * What can be done with a message: react (a few emoji at once, any other from the picker),
 * reply, for one's own edit, and delete (one's own, or any in a room one owns; asked again
 * before deleting).
 */
export function MessageActions({
  message,
  own,
  mayDelete = own,
  onReply,
  onEdit,
  onDelete,
  onReact,
  time,
}: {
  message: Message;
  own: boolean;
  mayDelete?: boolean;
  /** Shown first (a compact message's time, which has no other place on hover). */
  time?: ReactNode;
  onReply: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onReact: (emoji: string) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [reacting, setReacting] = useState(false);
  // the actions stay shown while the picker is open (it is beside them, not over the message)
  const [picking, setPicking] = useState(false);
  if (message.deleted !== null) return null;
  if (confirming) {
    return (
      <div className="message-actions confirming" role="group" aria-label="Delete this message?">
        <span>Delete this message?</span>
        <Button
          variant="danger"
          onClick={() => {
            setConfirming(false);
            onDelete();
          }}
        >
          Delete
        </Button>
        <Button onClick={() => setConfirming(false)}>Keep</Button>
      </div>
    );
  }
  return (
    <div
      className={picking ? 'message-actions picking' : 'message-actions'}
      role="group"
      aria-label="Message actions"
    >
      {time && <span className="message-actions-time">{time}</span>}
      {reacting ? (
        <>
          {QUICK_REACTIONS.map((e) => (
            <Button
              key={e}
              className="icon"
              aria-label={`React with ${e}`}
              onClick={() => {
                onReact(e);
                setReacting(false);
              }}
            >
              {e}
            </Button>
          ))}
          <EmojiPickerButton
            className="icon"
            label="More reactions"
            onOpenChange={setPicking}
            onPick={(e) => {
              onReact(e);
              setReacting(false);
            }}
          >
            +
          </EmojiPickerButton>
        </>
      ) : (
        <Button className="icon" aria-label="Add a reaction" onClick={() => setReacting(true)}>
          ☺+
        </Button>
      )}
      <Button className="icon" aria-label="Reply" onClick={onReply}>
        ↩
      </Button>
      {own && (
        <Button className="icon" aria-label="Edit" onClick={onEdit}>
          ✎
        </Button>
      )}
      {mayDelete && (
        <Button className="icon" aria-label="Delete" onClick={() => setConfirming(true)}>
          🗑
        </Button>
      )}
    </div>
  );
}
