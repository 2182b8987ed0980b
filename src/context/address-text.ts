/**
 * The text of an address stored as four 32-bit words (IPv4 mapped into ::ffff:0:0/96):
 * dotted quad for IPv4, RFC 5952 form for IPv6 (lower case, longest run of two or more zero
 * groups shortened to "::"). Per period only.
 */
export function addressText(w0: number, w1: number, w2: number, w3: number): string {
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) {
    return `${w3 >>> 24}.${(w3 >>> 16) & 0xff}.${(w3 >>> 8) & 0xff}.${w3 & 0xff}`;
  }
  const groups: number[] = [];
  for (const w of [w0, w1, w2, w3]) groups.push(w >>> 16, w & 0xffff);
  let bestAt = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`;
}
