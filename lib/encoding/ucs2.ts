// UCS2, SMPP data_coding 0x08 (SMPP 3.4 5.2.19), sent as UTF-16BE as handsets and SMSCs do (TS 23.038 6.2.3):
// chars outside the BMP travel as surrogate pairs, two units each.

/** Two octets per UTF-16 unit, big-endian. Never fails: every JS string is a sequence of UTF-16 units. */
export const ucs2Encode = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16()

/** Decodes UTF-16BE; an odd trailing octet (a truncated unit from a sloppy peer) is dropped rather than refused. */
export function ucs2Decode(bytes: Uint8Array): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length & ~1))
  return even.swap16().toString('utf16le')
}

/** UTF-16 units the text costs; a char outside the BMP costs 2. */
export const ucs2Units = (text: string): number => text.length
