/** Short unique call ids: a random prefix per page load and a counter. */
export function createIdSource(random: () => number = Math.random): () => string {
  const prefix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  let n = 0;
  return () => `${prefix}${(n++).toString(36)}`;
}
