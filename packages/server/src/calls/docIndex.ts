import { ORIGINAL_CALLS, type CallName } from '@chat/protocol';
import { CALL_MODULES } from './index.ts';

const original: ReadonlySet<string> = new Set(ORIGINAL_CALLS);

/**
 * The summary table of calls in docs/protocol.md, made from the call modules: a call added
 * is a row added. `npm run docs` writes it; a test fails while the file differs.
 */
export function callsIndex(): string {
  const rows = Object.values(CALL_MODULES).map((m) => {
    const name: CallName = m.name;
    const ext = original.has(name) ? '' : ' *(ext)*';
    const errors = [m.doc.errors.map((e) => `\`${e}\``).join(', '), m.doc.note ?? '']
      .filter((x) => x !== '')
      .join(' ');
    return `| [\`${name}\`](#${name})${ext} | ${m.doc.payload} | ${m.doc.success} | ${errors} |`;
  });
  return [
    "| call | payload | on success (in this order) | errors (besides the envelope's) |",
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Where the index sits in docs/protocol.md. */
export const INDEX_MARKS = {
  begin: '<!-- calls index: begin -->',
  end: '<!-- calls index: end -->',
};

/** The document with its index made anew. */
export function withCallsIndex(doc: string): string {
  const begin = doc.indexOf(INDEX_MARKS.begin);
  const end = doc.indexOf(INDEX_MARKS.end);
  if (begin < 0 || end < begin) throw new Error('docs/protocol.md has no calls index marks');
  return `${doc.slice(0, begin + INDEX_MARKS.begin.length)}\n${callsIndex()}\n${doc.slice(end)}`;
}
