// National Language Identifiers (3GPP TS 23.038 6.2.1.2.4), the value octet of the UDH IEs 0x24 and 0x25
// (TS 23.040 9.2.3.24.15/16). 0 is the GSM 7 bit default alphabet (6.2.1) and its extension table (6.2.1.1).
export const NationalLanguage = {
  Default: 0x00, // reserved as an IE value; the default alphabet / extension table
  Turkish: 0x01,
  Spanish: 0x02, // single shift table only: A.3.2 is void
  Portuguese: 0x03,
  Bengali: 0x04,
  Gujarati: 0x05,
  Hindi: 0x06,
  Kannada: 0x07,
  Malayalam: 0x08,
  Oriya: 0x09,
  Punjabi: 0x0a,
  Tamil: 0x0b,
  Telugu: 0x0c,
  Urdu: 0x0d,
} as const
export type NationalLanguage = (typeof NationalLanguage)[keyof typeof NationalLanguage]

/** The tables a GSM 7-bit text is read with: a locking shift table (the main one) and a single shift table (after ESC). */
export interface Gsm7Tables {
  locking: number
  single: number
}

export const DefaultTables: Gsm7Tables = Object.freeze({ locking: NationalLanguage.Default, single: NationalLanguage.Default })
