import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SmppNode } from './node'

/**
 * The load balancer's health check and the metrics, on their own HTTP port:
 *   GET /health  -> 200 {status:'ok', sessions, answerRecord, ...}, or 503 {status:'draining'} once SIGTERM arrived
 *   GET /metrics -> sessions, PDUs in/out per command and status, verdict latency, counters (JSON)
 */
export async function serveHealth(node: SmppNode, port: number, host = '0.0.0.0'): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/health' || path === '/')
      return send(node.draining ? 503 : 200, { ...node.health(), uptimeSec: Math.round(process.uptime()) })
    if (path === '/metrics') return send(200, { nodeId: node.settings.nodeId, ...node.metrics.snapshot(node.sessionCounts()) })
    send(404, { error: 'not found' })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
