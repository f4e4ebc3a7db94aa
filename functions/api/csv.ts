/**
 * RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote or line break. Text cells
 * that a spreadsheet would run as a formula (=, +, -, @ first) get a leading apostrophe; numbers and
 * decimal amounts are written as they are, so they stay machine-readable.
 */
export type Cell = string | number | boolean | undefined | null

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)

export function cell(value: Cell): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const formula = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) // "-12.34" is an amount, not a formula
  return quote(formula ? `'${value}` : value)
}

export const toCsv = (header: readonly string[], rows: readonly (readonly Cell[])[]) =>
  [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'

export const csvHeaders = (filename: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
})
