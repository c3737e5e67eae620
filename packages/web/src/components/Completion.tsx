import {
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { nowOrLater, type Completer, type Suggestion, type Token } from '../completion.ts';

/*
 * Completion in a text box, one mechanism for every kind (see completion.ts): the hook keeps
 * the list, its keys (arrows, Tab and Enter choose, Escape closes) and its mouse, and the
 * box's ARIA (aria-autocomplete, aria-controls, aria-activedescendant).
 */

/** Runs `then` with a value now, or when its promise settles (a failure is no value). */
function whenReady<T>(value: T | Promise<T>, then: (v: T) => void): void {
  const done = nowOrLater(value, then);
  if (done instanceof Promise) done.catch(() => undefined);
}

interface ListState {
  label: string;
  at: number;
  end: number;
  items: readonly Suggestion[];
  active: number;
}

export interface Completion {
  /** After the text or the caret moved (typed: the text grew by typing, so a token may finish). */
  update: (typed: boolean) => void;
  /** Keys for the open list; true when the key was used. */
  onKeyDown: (e: KeyboardEvent) => boolean;
  close: () => void;
  /** For the text box. */
  inputProps: {
    'aria-autocomplete': 'list';
    'aria-haspopup': 'listbox';
    'aria-controls': string | undefined;
    'aria-activedescendant': string | undefined;
  };
  /** The open list, or null. */
  list: ReactNode;
}

/**
 * Completion for the text box `ref`; `edit` sets its text and where the caret goes.
 * `completers` are asked in order: the first with a token decides.
 */
export function useCompletion(
  ref: RefObject<HTMLTextAreaElement | null>,
  completers: readonly Completer[],
  edit: (text: string, caret: number) => void,
): Completion {
  const [list, setList] = useState<ListState | null>(null);
  const id = useId();
  const optionId = (i: number) => `${id}-option-${i}`;
  // answers to an older update (data that loaded late) are dropped
  const generation = useRef(0);
  // Escape closed the list of the token starting here: it stays closed for that token
  const dismissedAt = useRef<number | null>(null);

  const close = () => {
    generation.current++;
    setList(null);
  };

  const replace = (at: number, end: number, text: string) => {
    const value = ref.current?.value ?? '';
    edit(value.slice(0, at) + text + value.slice(end), at + text.length);
    close();
  };

  const update = (typed: boolean) => {
    const box = ref.current;
    const n = ++generation.current;
    if (!box || box.selectionStart !== box.selectionEnd) {
      setList(null);
      return;
    }
    const value = box.value;
    const caret = box.selectionEnd;
    const before = value.slice(0, caret);
    // an answer for a text since changed is dropped (and a list for an older update)
    const unchanged = () => box.value === value && box.selectionEnd === caret;
    const current = () => n === generation.current && unchanged();
    if (typed) {
      for (const c of completers) {
        const finished = c.finish?.(before);
        if (finished) {
          whenReady(finished, (r) => {
            if (r && unchanged()) replace(r.at, caret, r.text);
          });
        }
      }
    }
    let found: { c: Completer; t: Token } | null = null;
    for (const c of completers) {
      const t = c.token(before);
      if (t) {
        found = { c, t };
        break;
      }
    }
    if (!found || found.t.at !== dismissedAt.current) dismissedAt.current = null;
    if (!found || dismissedAt.current !== null) {
      setList(null);
      return;
    }
    const { c, t } = found;
    whenReady(c.suggest(t.query), (items) => {
      if (!current()) return;
      setList(
        items.length === 0 ? null : { label: c.label, at: t.at, end: caret, items, active: 0 },
      );
    });
  };

  const choose = (s: Suggestion) => {
    if (list) replace(list.at, list.end, s.text);
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!list) return false;
    const n = list.items.length;
    const move = (by: number) => setList({ ...list, active: (list.active + by + n) % n });
    switch (e.key) {
      case 'ArrowDown':
        move(1);
        break;
      case 'ArrowUp':
        move(-1);
        break;
      case 'Enter':
      case 'Tab':
        if (e.shiftKey) return false;
        choose(list.items[list.active]!);
        break;
      case 'Escape':
        dismissedAt.current = list.at;
        close();
        break;
      default:
        return false;
    }
    e.preventDefault();
    return true;
  };

  const active = list === null ? undefined : optionId(list.active);
  useEffect(() => {
    if (active !== undefined)
      document.getElementById(active)?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  return {
    update,
    onKeyDown,
    close,
    inputProps: {
      'aria-autocomplete': 'list',
      'aria-haspopup': 'listbox',
      'aria-controls': list ? id : undefined,
      'aria-activedescendant': active,
    },
    list: list && (
      <ul id={id} role="listbox" aria-label={list.label} className="completion floating-box">
        {list.items.map((s, i) => (
          <li
            key={s.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === list.active}
            className={i === list.active ? 'completion-option active' : 'completion-option'}
            // the text box keeps the focus (and its caret)
            onMouseDown={(e) => e.preventDefault()}
            onMouseMove={() => i !== list.active && setList({ ...list, active: i })}
            onClick={() => choose(s)}
          >
            {s.icon !== undefined && <span className="completion-icon">{s.icon}</span>}
            <span className="completion-label">{s.label}</span>
          </li>
        ))}
      </ul>
    ),
  };
}
