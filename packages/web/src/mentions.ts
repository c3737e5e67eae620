/** Characters a name ends before: one that could continue a word would make it another name. */
const WORD = /[\p{L}\p{N}\p{M}_]/u;

/** Whether `body` names `name` as a mention: "@Amber Otter", any case, not inside a longer word. */
export function mentionsMe(body: string, name: string): boolean {
  if (name.trim() === '') return false;
  const haystack = body.toLowerCase();
  const needle = `@${name.toLowerCase()}`;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : haystack[at - 1]!;
    const after = haystack.slice(at + needle.length, at + needle.length + 2);
    if (!WORD.test(before) && !(after !== '' && WORD.test([...after][0]!))) return true;
  }
  return false;
}
