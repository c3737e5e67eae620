import type { Message } from '@chat/protocol';

/** Of two copies of one message, the one to keep: the higher rev, else the later one. */
const newer = (a: Message, b: Message) => (a.rev > b.rev ? a : b);

/**
 * Merges two lists of messages, each in ascending `seq`, into one ascending list without
 * duplicates (a message seen twice keeps its newer copy: the higher `rev`). The common cases (a page of older
 * messages, a page of newer ones, one live message) take the fast paths.
 */
export function mergeBySeq(current: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return current as Message[];
  const sorted = isAscending(incoming) ? incoming : [...incoming].sort((a, b) => a.seq - b.seq);
  if (current.length === 0) return dedupeSorted(sorted);
  const first = current[0]!;
  const last = current[current.length - 1]!;
  const inFirst = sorted[0]!;
  const inLast = sorted[sorted.length - 1]!;
  if (inFirst.seq > last.seq) return [...current, ...dedupeSorted(sorted)];
  if (inLast.seq < first.seq) return [...dedupeSorted(sorted), ...current];
  const out: Message[] = [];
  let i = 0;
  let j = 0;
  while (i < current.length || j < sorted.length) {
    const a = current[i];
    const b = sorted[j];
    let next: Message;
    if (a === undefined) {
      next = b!;
      j++;
    } else if (b === undefined) {
      next = a;
      i++;
    } else if (a.seq < b.seq) {
      next = a;
      i++;
    } else if (b.seq < a.seq) {
      next = b;
      j++;
    } else {
      next = newer(a, b);
      i++;
      j++;
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.seq === next.seq) out[out.length - 1] = newer(prev, next);
    else out.push(next);
  }
  return out;
}

function isAscending(list: readonly Message[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.seq < list[i - 1]!.seq) return false;
  return true;
}

function dedupeSorted(list: readonly Message[]): Message[] {
  const out: Message[] = [];
  for (const m of list) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.seq === m.seq) out[out.length - 1] = newer(prev, m);
    else out.push(m);
  }
  return out;
}

/**
 * The list with the messages it holds replaced by `changes` where those are newer (by seq
 * and rev); a change to a message the list does not hold is left out (it comes with its page).
 */
export function applyChanges(list: readonly Message[], changes: readonly Message[]): Message[] {
  const first = list[0];
  if (first === undefined) return list as Message[];
  let out: Message[] | undefined;
  for (const c of changes) {
    // seqs are contiguous from the first one held (pages never leave holes)
    let i = c.seq - first.seq;
    if (list[i]?.seq !== c.seq) i = list.findIndex((m) => m.seq === c.seq);
    if (i < 0 || list[i]!.rev >= c.rev) continue;
    out ??= list.slice();
    out[i] = c;
  }
  return out ?? (list as Message[]);
}

/** The last seq of the run of consecutive seqs that starts at the first message. */
export function contiguousEnd(list: readonly Message[]): number | undefined {
  const first = list[0];
  if (first === undefined) return undefined;
  let end = first.seq;
  for (let i = 1; i < list.length; i++) {
    const s = list[i]!.seq;
    if (s === end + 1) end = s;
    else if (s > end + 1) break;
  }
  return end;
}
