/*
 * Completion in a text box, one mechanism for every kind (emoji shortcodes, @names): a
 * Completer says which token is being typed before the caret and what it may become;
 * components/Completion.tsx shows the list and handles its keys.
 */

export interface Suggestion {
  /** Unique in its list. */
  id: string;
  /** What replaces the token when chosen. */
  text: string;
  /** What the list shows (":tada:", a name). */
  label: string;
  /** Shown before the label (the emoji itself). */
  icon?: string;
}

/** A token being typed: where it starts in the text and what follows its mark ("tad" of ":tad"). */
export interface Token {
  at: number;
  query: string;
}

/** A finished token's replacement (":tada:" becomes 🎉): from `at` to the caret. */
export interface Replacement {
  at: number;
  text: string;
}

export interface Completer {
  /** The list's accessible name ("Emoji", "People in this room"). */
  label: string;
  /** The token that `before` (the text before the caret) ends with, or null. */
  token(before: string): Token | null;
  /** What the token's query may become, best first (at once, or once data has loaded). */
  suggest(query: string): readonly Suggestion[] | Promise<readonly Suggestion[]>;
  /** A token finished by the character just typed, replaced at once, or null. */
  finish?(before: string): Replacement | null | Promise<Replacement | null>;
}

/** `f` of a value now, or of a promised one when it comes: data loaded once is used at once. */
export function nowOrLater<T, U>(value: T | Promise<T>, f: (v: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
