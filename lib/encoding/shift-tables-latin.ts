// Turkish, Spanish and Portuguese national language tables of 3GPP TS 23.038 Annex A (A.2.x single shift,
// A.3.x locking shift), keyed by the National Language Identifier of 6.2.1.2.4. Each table is 8 strings of 16 chars, one
// per column of the standard's layout: string n, char m is septet 0xnm. '·' (U+00B7, in no table) marks a position the
// table leaves empty; 0x1B is the escape (locking tables) or reserved (single shift tables). Generated once from two
// transcriptions of the standard, checked against each other and a third: docs/ENCODINGS.md says where they disagreed.
// Spanish has no locking shift table (A.3.2 is void).

import { NationalLanguage } from './national-language'

export const LockingShift: Partial<Record<number, readonly string[]>> = {
  // A.3.1 Turkish National Language Locking Shift Table
  [NationalLanguage.Turkish]: [
    '@£$¥€éùıòÇ\nĞğ\rÅå',
    'Δ_ΦΓΛΩΠΨΣΘΞ\u001bŞşßÉ',
    ' !"#¤%&\'()*+,-./',
    '0123456789:;<=>?',
    'İABCDEFGHIJKLMNO',
    'PQRSTUVWXYZÄÖÑÜ§',
    'çabcdefghijklmno',
    'pqrstuvwxyzäöñüà',
  ],
  // A.3.3 Portuguese National Language Locking Shift Table
  [NationalLanguage.Portuguese]: [
    '@£$¥êéúíóç\nÔô\rÁá',
    'Δ_ªÇÀ∞^\\€Ó|\u001bÂâÊÉ',
    ' !"#º%&\'()*+,-./',
    '0123456789:;<=>?',
    'ÍABCDEFGHIJKLMNO',
    'PQRSTUVWXYZÃÕÚÜ§',
    '~abcdefghijklmno',
    'pqrstuvwxyzãõ`üà',
  ],
}

export const SingleShift: Partial<Record<number, readonly string[]>> = {
  // A.2.1 Turkish National Language Single Shift Table
  [NationalLanguage.Turkish]: [
    '··········\f·····',
    '····^···········',
    '········{}·····\\',
    '············[~]·',
    '|······Ğ·İ······',
    '···Ş············',
    '···ç·€·ğ·ı······',
    '···ş············',
  ],
  // A.2.2 Spanish National Language Single Shift Table
  [NationalLanguage.Spanish]: [
    '·········ç\f·····',
    '····^···········',
    '········{}·····\\',
    '············[~]·',
    '|Á·······Í·····Ó',
    '·····Ú··········',
    '·á···€···í·····ó',
    '·····ú··········',
  ],
  // A.2.3 Portuguese National Language Single Shift Table
  [NationalLanguage.Portuguese]: [
    '·····ê···ç\fÔô·Áá',
    '··ΦΓ^ΩΠΨΣΘ·····Ê',
    '········{}·····\\',
    '············[~]·',
    '|À·······Í·····Ó',
    '·····Ú·····ÃÕ···',
    '·Â···€···í·····ó',
    '·····ú·····ãõ··â',
  ],
}
