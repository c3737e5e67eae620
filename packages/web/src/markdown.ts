/**
 * The rules of message markdown that are not React: which URLs survive, how chat line breaks
 * and raw HTML are read, and which bodies are too deeply nested to parse at all.
 */

/** http(s) with a host, or mailto: anything else (javascript:, data:, relative, ...) is no link. */
const SAFE_URL = /^(?:https?:\/\/|mailto:)/i;

/** react-markdown's urlTransform: the URL when its scheme is allowed, else none. */
export function safeUrl(url: string): string | undefined {
  return SAFE_URL.test(url) ? url : undefined;
}

/** The part of an mdast node this module reads and writes. */
interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Parents whose children are blocks: a raw HTML block there becomes a paragraph of text. */
const BLOCK_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

function rewrite(parent: MdNode): void {
  const children = parent.children;
  if (!children) return;
  const out: MdNode[] = [];
  for (const child of children) {
    if (child.type === 'html') {
      // raw HTML is shown as the text it is, never parsed
      const text = { type: 'text', value: child.value ?? '' };
      const pieces = breakLines(text);
      out.push(
        ...(BLOCK_PARENTS.has(parent.type) ? [{ type: 'paragraph', children: pieces }] : pieces),
      );
    } else if (child.type === 'text') {
      out.push(...breakLines(child));
    } else {
      rewrite(child);
      out.push(child);
    }
  }
  parent.children = out;
}

/** A chat's Enter is a line break, where markdown would join the lines into one. */
function breakLines(text: MdNode): MdNode[] {
  const lines = (text.value ?? '').split(/\r?\n/);
  if (lines.length === 1) return [text];
  const out: MdNode[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push({ type: 'break' });
    if (line !== '') out.push({ type: 'text', value: line });
  });
  return out;
}

/** Remark plugin: raw HTML as text, and every line break kept. */
export function remarkChat() {
  return (tree: MdNode): void => rewrite(tree);
}

/**
 * Nesting past this is not markdown anyone types in a chat. The parser recurses per level: a
 * 10,000 character body of `> > > …` or `- - - …` took seconds and then overflowed the stack,
 * for every reader of the room. Such bodies are shown as plain text.
 */
export const MAX_NESTING = 32;

/**
 * Whether the body may nest deeper than MAX_NESTING: a linear, conservative estimate (it may
 * say yes for a body that would nest less, never no for one that nests more) of the container
 * markers opening a line (> - + * 1.) and, within a paragraph, of the open brackets and the
 * emphasis delimiters (* _ ~) not yet closed.
 */
export function tooDeep(body: string): boolean {
  for (const line of body.split('\n')) {
    if (containerMarkers(line) > MAX_NESTING) return true;
  }
  let brackets = 0;
  let emphasis = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '\n' && /^\n[ \t]*(?:\n|$)/.test(body.slice(i, i + 40))) {
      // a blank line ends the paragraph: nothing stays open across it
      brackets = 0;
      emphasis = 0;
    } else if (c === '[') {
      brackets++;
    } else if (c === ']') {
      brackets = Math.max(0, brackets - 1);
    } else if (c === '*' || c === '_' || c === '~') {
      let end = i;
      while (body[end] === c) end++;
      const run = end - i;
      const before = i === 0 ? ' ' : body[i - 1]!;
      const after = end === body.length ? ' ' : body[end]!;
      const opens = !/\s/.test(after);
      const closes = !/\s/.test(before);
      if (closes && emphasis > 0) emphasis = Math.max(0, emphasis - run);
      else if (opens) emphasis += run;
      i = end;
      if (brackets + emphasis > MAX_NESTING) return true;
      continue;
    }
    if (brackets + emphasis > MAX_NESTING) return true;
    i++;
  }
  return false;
}

/** How many block containers (quotes, list items) a line opens before its text. */
function containerMarkers(line: string): number {
  let n = 0;
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    const c = line[i];
    if (c === '>') {
      i++;
    } else if (
      (c === '-' || c === '+' || c === '*') &&
      /^[ \t]|^$/.test(line.slice(i + 1, i + 2))
    ) {
      i++;
    } else {
      const m = /^\d{1,9}[.)](?=[ \t]|$)/.exec(line.slice(i, i + 11));
      if (!m) return n;
      i += m[0].length;
    }
    n++;
  }
}
