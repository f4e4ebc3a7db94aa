import { z } from '@hono/zod-openapi'

/** Shared request and response schemas. Money: integer minor units plus a decimal string beside them. */

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'forbidden' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error')

const isDay = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)

/** A UTC calendar day, as usage counters are keyed. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine(isDay, 'not a calendar day')
  .openapi({ example: '2025-01-31' })

/** A day (whole day: from its first instant, to its last) or an ISO time with zone. */
export const Instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'expected YYYY-MM-DD or an ISO 8601 time with zone')
  .refine((s) => (s.length === 10 ? isDay(s) : !Number.isNaN(Date.parse(s))), 'not a valid time')
  .openapi({ example: '2025-01-01T00:00:00Z' })

/** Instant bounds as the stores compare them: UTC ISO strings, `to` inclusive to the millisecond. */
export const fromIso = (s: string) => (s.length === 10 ? `${s}T00:00:00.000Z` : new Date(s).toISOString())
export const toIso = (s: string) => (s.length === 10 ? `${s}T23:59:59.999Z` : new Date(s).toISOString())

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ example: 100 }),
  cursor: z.string().max(4096).optional().openapi({ description: 'the `cursor` of the previous page' }),
})

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), cursor: z.string().optional() })

/** SMPP 3.4 section 5.2.1: system_id is a C-Octet String of at most 16 octets with the NUL. */
export const AccountId = z
  .string()
  .regex(/^(?!\*$)[\x21-\x7e]{1,15}$/, "1 to 15 printable ASCII characters, not '*' (an SMPP system_id)")
  .openapi({ example: 'demo' })

export const AccountParam = z.object({ id: AccountId.openapi({ param: { name: 'id', in: 'path' } }) })

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
  .openapi({ example: 'EUR' })

/** Minor units: a whole number, never a float. */
export const Minor = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER)
export const DecimalString = z.string().openapi({ example: '12.34' })

/** Digits of a destination prefix; '' is the catch-all. */
export const Prefix = z
  .string()
  .regex(/^\d{0,20}$/, 'digits only')
  .openapi({ example: '4477' })

export const Msisdn = z
  .string()
  .regex(/^\+?\d{1,20}$/, 'an address of up to 20 digits')
  .openapi({ example: '447700900123' })

export const Owner = z.union([AccountId, z.literal('*')]).openapi({ description: "an accountId, or '*' for the platform" })

export const NoContent = { description: 'done' } as const
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true })
