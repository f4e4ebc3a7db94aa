import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FunctionUrlEvent, FunctionUrlResult } from '../../functions/sandbox/handler'

/**
 * A Lambda handler behind a Function URL, on 127.0.0.1: each request becomes the payload-2.0 event Lambda builds
 * (lower-cased headers, the raw path, the body as text) and the handler's result becomes the answer. What runs is
 * the handler itself; only the URL's front is played here.
 */
export async function hostFunctionUrl(
  handler: (e: FunctionUrlEvent) => Promise<FunctionUrlResult>,
): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      paths.push(url.pathname)
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]))
      const event: FunctionUrlEvent = {
        rawPath: url.pathname,
        requestContext: { http: { method: req.method ?? 'GET' } },
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        isBase64Encoded: false,
      }
      handler(event).then(
        (r) => res.writeHead(r.statusCode, r.headers).end(r.body),
        () => res.writeHead(502).end(), // Lambda's answer to a function error
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
