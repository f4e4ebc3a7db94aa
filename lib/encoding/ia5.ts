// IA5 (CCITT T.50) / ASCII, SMPP data_coding 0x01 (SMPP 3.4 5.2.19).

/** One octet per char, or null if some char is above U+007F. */
export function ia5Encode(text: string): Buffer | null {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return null
  return Buffer.from(text, 'latin1')
}

/** The top bit is ignored: IA5 is a 7-bit code, and a stray high bit must not turn into a Latin-1 char. */
export function ia5Decode(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += String.fromCharCode(b & 0x7f)
  return out
}
