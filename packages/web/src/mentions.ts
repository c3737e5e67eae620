/** Characters a name ends before: one that could continue a word would make it another name. */
const WORD = /[\p{L}\p{N}\p{M}_]/u;

/** Whether `ch` could continue a word ("" at either end of a text could not). */
export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && ch !== '' && WORD.test(ch);
}

/** Whether `body` names `name` as a mention: "@Amber Otter", any case, not inside a longer word. */
export function mentionsMe(body: string, name: string): boolean {
  if (name.trim() === '') return false;
  const haystack = body.toLowerCase();
  const needle = `@${name.toLowerCase()}`;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const after = haystack.slice(at + needle.length, at + needle.length + 2);
    if (!isWordChar(haystack[at - 1]) && !isWordChar([...after][0])) return true;
  }
  return false;
}
