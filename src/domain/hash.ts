// Stable 32-bit hashes of identities, for seeds that must be the same wherever the same data is processed.

/** FNV-1a 32-bit hash of the parts, joined. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const s = parts.join('\u0001');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
