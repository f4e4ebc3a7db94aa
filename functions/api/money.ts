/**
 * Money is an integer count of minor units everywhere (lib/domain/model.ts). JSON carries that integer
 * and, beside it, an exact decimal string built from the digits, never through a float.
 */

const digitsCache = new Map<string, number>()

/** ISO 4217 minor-unit digits from the runtime's ICU data (EUR 2, JPY 0, KWD 3); 2 for unknown codes. */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency)
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      d = 2 // not an ISO code: still show cents rather than fail a finance report
    }
    digitsCache.set(currency, d)
  }
  return d
}

/** 1234 EUR -> "12.34"; -5 EUR -> "-0.05"; 1234 JPY -> "1234". */
export function decimal(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not an integer amount of minor units: ${amount}`)
  const d = minorDigits(currency)
  const digits = String(Math.abs(amount)).padStart(d + 1, '0')
  const body = d === 0 ? digits : `${digits.slice(0, -d)}.${digits.slice(-d)}`
  return amount < 0 ? `-${body}` : body
}

type Decimals<T, K extends keyof T & string> = T & { [P in K as `${P}Decimal`]: string }

/** Adds `<field>Decimal` beside each named integer field. */
export function withDecimals<T extends object, K extends keyof T & string>(obj: T, fields: readonly K[], currency: string): Decimals<T, K> {
  const out = { ...obj } as Record<string, unknown>
  for (const f of fields) out[`${f}Decimal`] = decimal(obj[f] as number, currency)
  return out as Decimals<T, K>
}
