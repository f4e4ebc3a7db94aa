// Test fixtures (issue 17), shared by the unit tests and the local-stack suite: Turkish, Spanish and Portuguese texts
// longer than one UCS2 part, and a part count that does not use our tables.
import { createRequire } from 'node:module'
import { NationalLanguage as L } from './national-language'

/** [language, National Language Identifier, text]: each needs more UCS2 parts (67 characters) than GSM 7-bit ones. */
export const ShiftSamples = [
  [
    'Turkish',
    L.Turkish,
    'Sayın müşterimiz, siparişiniz bugün kargoya verildi. Teslimat için çağrı merkezimizi arayabilir, ' +
      'ödemenizi şubelerimizden yapabilirsiniz. İyi günler dileriz!',
  ],
  [
    'Spanish',
    L.Spanish,
    '¿Dónde está la estación? Mañana salimos a las nueve; el autobús pasará por la plaza mayor y el ' +
      'mercado. Información: llámenos al teléfono de atención.',
  ],
  [
    'Portuguese',
    L.Portuguese,
    'Olá! A sua encomenda não pôde ser entregue hoje. Por favor, confirme o endereço e a informação ' +
      'de pagamento até amanhã às 18h. Obrigado pela atenção.',
  ],
] as const

// The npm `smpp` package (0.5.1) keeps its own GSM tables per National Language Identifier: an independent count of
// septets for every char (lib/encoding/shift-tables-differential.test.ts lists where it differs; none of it is here).
const gsmCoder = createRequire(import.meta.url)('smpp').gsmCoder as { encode(text: string, language: number): Buffer }

/**
 * Parts by the arithmetic of TS 23.040 9.2.3.24 alone: 140 octets a part, of which the UDH takes its length octet,
 * 5 for an 8-bit concatenation IE (when split) and 3 for each shift IE; septets after it fill whole bits (7 each);
 * an ESC pair is never cut. The septets per char come from the smpp package, not from our tables.
 */
export function independentParts(text: string, language: number, shiftIes: number): number {
  const cost = [...text].map((ch) => gsmCoder.encode(ch, language).length)
  const total = cost.reduce((a, b) => a + b, 0)
  const capacity = (udh: number) => Math.floor(((140 - udh) * 8) / 7)
  if (total <= capacity(1 + 3 * shiftIes)) return 1
  const per = capacity(1 + 5 + 3 * shiftIes)
  let parts = 1
  let used = 0
  for (const c of cost) {
    if (used + c > per) [parts, used] = [parts + 1, 0]
    used += c
  }
  return parts
}
