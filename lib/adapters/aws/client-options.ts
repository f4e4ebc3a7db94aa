/**
 * Options every AWS SDK client of the platform is built with, on AWS and locally alike (docs/DESIGN.md rule 1).
 *
 * cacheMiddleware: the SDK resolves a client's middleware stack (clone, sort, chain ~20 closures) on every
 * send() by default; with it, once per command class and client, reused while send() gets no per-call options.
 * The pipeline sends the same few commands all day from clients it builds once per process, and that resolution
 * was a measurable share of its CPU per request (docs/PERFORMANCE.md, "CPU per message by profile"). The SDK's
 * condition: middleware added after a command's first send is not seen by that command, so a client's extra
 * middleware (lib/adapters/aws/meter.ts, hop-trace.ts) is added right after it is built, before any send.
 */
export const sdkClientOptions = { cacheMiddleware: true } as const
