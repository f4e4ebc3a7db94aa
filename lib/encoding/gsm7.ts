// GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 6.2.1 and 6.2.1.1).
// SMPP carries data_coding 0 short_message UNPACKED, one septet per octet; packing is only needed over the air
// and for tests against air-interface vectors.

// Default alphabet, index = septet value (TS 23.038 6.2.1). 0x1B is the escape to the extension table.
export const DEFAULT_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'

export const Escape = 0x1b // ESC: the next septet is read from the extension table

// Extension table, reached with ESC (TS 23.038 6.2.1.1). Each char costs two septets.
export const GsmExtension = {
  FormFeed: 0x0a, // page break
  Caret: 0x14, // ^
  LeftBrace: 0x28, // {
  RightBrace: 0x29, // }
  Backslash: 0x2f, // \
  LeftBracket: 0x3c, // [
  Tilde: 0x3d, // ~
  RightBracket: 0x3e, // ]
  Pipe: 0x40, // |
  Euro: 0x65, // €
} as const

const EXTENSION_CHARS: Record<keyof typeof GsmExtension, string> = {
  FormFeed: '\f',
  Caret: '^',
  LeftBrace: '{',
  RightBrace: '}',
  Backslash: '\\',
  LeftBracket: '[',
  Tilde: '~',
  RightBracket: ']',
  Pipe: '|',
  Euro: '€',
}

const defaultByChar = new Map<string, number>()
for (let i = 0; i < DEFAULT_ALPHABET.length; i++) if (i !== Escape) defaultByChar.set(DEFAULT_ALPHABET[i], i)
const extensionByChar = new Map<string, number>()
const extensionBySeptet = new Map<number, string>()
for (const [name, septet] of Object.entries(GsmExtension)) {
  const ch = EXTENSION_CHARS[name as keyof typeof GsmExtension]
  extensionByChar.set(ch, septet)
  extensionBySeptet.set(septet, ch)
}

/** Septets one char costs: 1 in the default alphabet, 2 in the extension table, null if not representable. */
export const gsmCharSeptets = (ch: string): 1 | 2 | null => (defaultByChar.has(ch) ? 1 : extensionByChar.has(ch) ? 2 : null)

/** Septets the text costs (`€` counts 2), or null if some char is outside the alphabet. */
export function gsmSeptets(text: string): number | null {
  let n = 0
  for (const ch of text) {
    const cost = gsmCharSeptets(ch)
    if (cost === null) return null
    n += cost
  }
  return n
}

/** Unpacked septets (one per octet, the SMPP data_coding 0 form), or null if some char is not representable. */
export function gsmEncode(text: string): Buffer | null {
  const n = gsmSeptets(text)
  if (n === null) return null
  const out = Buffer.alloc(n)
  let i = 0
  for (const ch of text) {
    const septet = defaultByChar.get(ch)
    if (septet !== undefined) out[i++] = septet
    else {
      out[i++] = Escape
      out[i++] = extensionByChar.get(ch)!
    }
  }
  return out
}

/**
 * Decodes unpacked septets. The top bit of each octet is ignored. An escape followed by a septet the extension table
 * does not define shows the default-alphabet char (TS 23.038 6.2.1.1 note); ESC ESC and a trailing ESC show a space,
 * as the spec asks for the reserved "extension of the extension".
 */
export function gsmDecode(bytes: Uint8Array): string {
  let out = ''
  let n = 0
  for (let i = 0; i < bytes.length; i++) {
    if (n === ScratchUnits) {
      out += utf16Of(n)
      n = 0
    }
    const septet = bytes[i] & 0x7f
    if (septet !== Escape) scratch[n++] = DefaultCode[septet]
    else if (i + 1 >= bytes.length) scratch[n++] = Space
    else scratch[n++] = EscapedCode[bytes[++i] & 0x7f]
  }
  return out + utf16Of(n)
}

// Decoding writes UTF-16 code units into one scratch buffer and makes one flat string of them: `out += char`
// per septet built a rope of 160 pieces that JSON.stringify of the SubmitJob then had to flatten (issue 16,
// the node's profile). Every char of both tables is in the BMP, so one septet (or ESC pair) is one code unit.
const Space = 0x20
const DefaultCode = Uint16Array.from(DEFAULT_ALPHABET, (c) => c.charCodeAt(0))
const EscapedCode = DefaultCode.map((code, septet) => (septet === Escape ? Space : (extensionBySeptet.get(septet)?.charCodeAt(0) ?? code)))
const ScratchUnits = 4096
const scratch = new Uint16Array(ScratchUnits)
const scratchBytes = Buffer.from(scratch.buffer)
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const utf16Of = (units: number): string =>
  littleEndian
    ? scratchBytes.toString('utf16le', 0, units * 2)
    : String.fromCharCode.apply(null, scratch.subarray(0, units) as unknown as number[])

/**
 * Packs septets into octets, LSB first (TS 23.038 6.1.2.1.1). `fillBits` zero bits come first so that the first
 * septet starts on a septet boundary after a UDH (TS 23.040 9.2.3.24).
 */
export function packSeptets(septets: Uint8Array, fillBits = 0): Buffer {
  const out = Buffer.alloc(Math.ceil((fillBits + septets.length * 7) / 8))
  let bit = fillBits
  for (const s of septets) {
    const v = s & 0x7f
    const byte = bit >> 3
    const shift = bit & 7
    out[byte] |= (v << shift) & 0xff
    if (shift > 1) out[byte + 1] |= v >> (8 - shift)
    bit += 7
  }
  return out
}

/** Reads `count` septets after `fillBits` leading bits; the inverse of packSeptets. Missing trailing bits read as 0. */
export function unpackSeptets(packed: Uint8Array, count: number, fillBits = 0): Buffer {
  const out = Buffer.alloc(count)
  for (let i = 0, bit = fillBits; i < count; i++, bit += 7) {
    const byte = bit >> 3
    const shift = bit & 7
    const lo = (packed[byte] ?? 0) >> shift
    const hi = shift > 1 ? (packed[byte + 1] ?? 0) << (8 - shift) : 0
    out[i] = (lo | hi) & 0x7f
  }
  return out
}
