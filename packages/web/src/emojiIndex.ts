/*
 * The emoji shortcode index: loaded by emoji.ts on first need (its own chunk, with the data
 * fetched from this site), never part of the first page load.
 */
import { normalizeEmoji, type EmojiIndex, type EmojiMatch } from './emoji.ts';

/** One emoji of emoji-picker-element-data (emojibase's data, trimmed): the fields used here. */
export interface EmojiRecord {
  emoji: string;
  shortcodes?: readonly string[];
  /** Unicode's order (smileys first): the tie-breaker of matches. */
  order?: number;
}

interface Code {
  code: string;
  emoji: string;
  order: number;
}

export async function fetchEmojiIndex(url: string): Promise<EmojiIndex> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`emoji data: HTTP ${res.status}`);
  return buildEmojiIndex((await res.json()) as EmojiRecord[]);
}

/**
 * Shortcodes ("tada", "+1", "party_popper") by what is typed: the ones starting with it first
 * (the exact one before all), then the ones with a word starting with it ("popper" finds
 * party_popper), each emoji once, by Unicode's order.
 */
export function buildEmojiIndex(data: readonly EmojiRecord[]): EmojiIndex {
  const codes: Code[] = [];
  const byCode = new Map<string, string>();
  for (const r of data) {
    const emoji = normalizeEmoji(r.emoji);
    for (const code of r.shortcodes ?? []) {
      codes.push({ code, emoji, order: r.order ?? Number.MAX_SAFE_INTEGER });
      if (!byCode.has(code)) byCode.set(code, emoji);
    }
  }
  return {
    byShortcode: (code) => byCode.get(code.toLowerCase()),
    search(query, limit) {
      const q = query.toLowerCase();
      if (q === '') return [];
      const ranked: { rank: number; c: Code }[] = [];
      for (const c of codes) {
        const rank =
          c.code === q ? 0 : c.code.startsWith(q) ? 1 : c.code.includes(`_${q}`) ? 2 : -1;
        if (rank >= 0) ranked.push({ rank, c });
      }
      ranked.sort(
        (a, b) => a.rank - b.rank || a.c.order - b.c.order || a.c.code.length - b.c.code.length,
      );
      const seen = new Set<string>();
      const out: EmojiMatch[] = [];
      for (const { c } of ranked) {
        if (seen.has(c.emoji)) continue;
        seen.add(c.emoji);
        out.push({ emoji: c.emoji, shortcode: c.code });
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
