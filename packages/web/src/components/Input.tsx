import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { LIMITS } from '@chat/protocol';
import type { Completer } from '../completion.ts';
import { codePointLength as codePoints } from '../format.ts';
import { Button } from './Buttons.tsx';
import { useCompletion } from './Completion.tsx';

export interface MessageInputProps {
  onSend: (body: string) => void;
  onTyping?: () => void;
  disabled?: boolean;
  /** The text it starts with (a message being edited). */
  initial?: string;
  /** Up arrow in an empty box (edit one's last message). */
  onEmptyUp?: () => void;
  /** Escape (stop replying or editing). */
  onEscape?: () => void;
  submitLabel?: string;
  /** The text as it is typed (to keep a draft). */
  onDraft?: (text: string) => void;
  /** Takes the focus when shown (entering a room on a desktop). */
  autoFocus?: boolean;
  /** What completes as it is typed (emoji shortcodes, @names): see completion.ts. */
  completers?: readonly Completer[];
  /** Shown beside the box (an emoji button), given what inserts text at the caret. */
  tools?: (insert: (text: string) => void) => ReactNode;
}

const NO_COMPLETERS: readonly Completer[] = [];

/** The message box: Enter sends, Shift+Enter breaks the line. */
export function MessageInput({
  onSend,
  onTyping,
  disabled,
  initial = '',
  onEmptyUp,
  onEscape,
  submitLabel = 'Send',
  onDraft,
  autoFocus,
  completers = NO_COMPLETERS,
  tools,
}: MessageInputProps) {
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);
  const length = codePoints(text.trim());
  const tooLong = length > LIMITS.bodyChars;
  const canSend = length > 0 && !tooLong && !disabled;
  const changed = (next: string) => {
    setText(next);
    onDraft?.(next);
    if (next.trim() !== '') onTyping?.();
  };
  // text set by the page (a completion, an inserted emoji) puts the caret after what it added
  const caretTo = useRef<number | null>(null);
  const edit = (next: string, caret: number) => {
    caretTo.current = caret;
    changed(next);
  };
  useLayoutEffect(() => {
    const caret = caretTo.current;
    caretTo.current = null;
    if (caret !== null) ref.current?.setSelectionRange(caret, caret);
  }, [text]);
  const completion = useCompletion(ref, completers, edit);
  const insert = (added: string) => {
    const box = ref.current;
    const start = box?.selectionStart ?? text.length;
    const end = box?.selectionEnd ?? text.length;
    edit(text.slice(0, start) + added + text.slice(end), start + added.length);
    box?.focus();
  };

  const send = () => {
    if (!canSend) return;
    onSend(text);
    setText('');
    onDraft?.('');
    ref.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.nativeEvent.isComposing || completion.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && text === '' && onEmptyUp) {
      e.preventDefault();
      onEmptyUp();
    } else if (e.key === 'Escape' && onEscape) {
      e.preventDefault();
      onEscape();
    }
  };
  // a message to edit: the box holds it, with the cursor at its end
  useEffect(() => {
    const box = ref.current;
    if (initial === '' || !box) return;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }, [initial]);
  return (
    <form
      className="message-input"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={ref}
        value={text}
        rows={1}
        autoFocus={autoFocus}
        placeholder="Write a message..."
        aria-label="Write a message..."
        aria-invalid={tooLong}
        aria-describedby={tooLong ? 'body-too-long' : undefined}
        {...completion.inputProps}
        onChange={(e) => {
          const grew = e.target.value.length > text.length;
          changed(e.target.value);
          completion.update(grew);
        }}
        onSelect={() => completion.update(false)}
        onBlur={completion.close}
        onKeyDown={onKeyDown}
      />
      {completion.list}
      {tools?.(insert)}
      <Button type="submit" variant="primary" disabled={!canSend}>
        {submitLabel}
      </Button>
      {tooLong && (
        <p id="body-too-long" className="input-error" role="alert">
          A message can hold at most {LIMITS.bodyChars.toLocaleString()} characters ({length}).
        </p>
      )}
    </form>
  );
}

export interface InlineEditProps {
  value: string;
  /** Accessible name of the text field. */
  label: string;
  onSave: (value: string) => void;
  onCancel: () => void;
  maxChars?: number;
}

/** A text field that saves on Enter or blur and cancels on Escape. */
export function InlineEdit({
  value,
  label,
  onSave,
  onCancel,
  maxChars = LIMITS.nameChars,
}: InlineEditProps) {
  const [text, setText] = useState(value);
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const valid = text.trim() !== '' && codePoints(text.trim()) <= maxChars;
  const save = () => {
    if (done.current) return;
    done.current = true;
    if (valid && text.trim() !== value) onSave(text.trim());
    else onCancel();
  };
  return (
    <input
      ref={ref}
      className="inline-edit"
      aria-label={label}
      aria-invalid={!valid}
      value={text}
      maxLength={maxChars * 2}
      onChange={(e) => setText(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          save();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          done.current = true;
          onCancel();
        }
      }}
    />
  );
}

/**
 * The room search box: searches on the server as one types (debounced); Enter searches at
 * once (and again). The debounce does not start over a search that Enter already made.
 */
export function SearchInput({ onSearch }: { onSearch: (query: string) => void }) {
  const [text, setText] = useState('');
  const searched = useRef('');
  const search = (q: string) => {
    searched.current = q.trim();
    onSearch(q);
  };
  useEffect(() => {
    if (text.trim() === searched.current) return;
    const t = setTimeout(() => {
      if (text.trim() === searched.current) return;
      searched.current = text.trim();
      onSearch(text);
    }, 250);
    return () => clearTimeout(t);
  }, [text, onSearch]);
  return (
    <input
      type="search"
      className="search"
      placeholder="Search"
      aria-label="Search"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') search(text);
      }}
    />
  );
}
