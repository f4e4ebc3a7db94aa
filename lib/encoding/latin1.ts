// ISO-8859-1, SMPP data_coding 0x03 (SMPP 3.4 5.2.19). Every octet is a char, so decoding never fails.

/** One octet per char, or null if some char is above U+00FF. */
export function latin1Encode(text: string): Buffer | null {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return null
  return Buffer.from(text, 'latin1')
}

export const latin1Decode = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
