/** Seeded rooms are named "<word> <k>", word = ROOM_WORDS[k % ROOM_WORDS.length]. */
export const ROOM_WORDS = [
  'lobby',
  'random',
  'music',
  'books',
  'games',
  'travel',
  'cooking',
  'science',
  'movies',
  'sports',
  'art',
  'coding',
  'garden',
  'photo',
  'design',
  'news',
  'pets',
  'fitness',
  'history',
  'chess',
] as const;

export function seededRoomName(k: number): string {
  return `${ROOM_WORDS[k % ROOM_WORDS.length]} ${k}`;
}
