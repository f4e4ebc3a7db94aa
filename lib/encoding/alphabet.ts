/** How the octets of short_message are to be read (a leaf module: data-coding.ts and segment-limits.ts both use it). */
export type Alphabet = 'gsm7' | 'ia5' | 'latin1' | 'ucs2' | 'binary'
