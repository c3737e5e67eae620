import type { Message } from '@chat/protocol';

/**
 * Merges two lists of messages, each in ascending `seq`, into one ascending list without
 * duplicates (a message seen twice keeps its newer copy). The common cases (a page of older
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
      next = b;
      i++;
      j++;
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.seq === next.seq) out[out.length - 1] = next;
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
    if (prev !== undefined && prev.seq === m.seq) out[out.length - 1] = m;
    else out.push(m);
  }
  return out;
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
