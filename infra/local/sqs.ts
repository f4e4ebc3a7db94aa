import { createServer, type Server } from 'node:http'
import { createRequestHandler } from 'local-aws-sqs'
import { freePort } from './ports'
import { longPollLikeAws, pollingRequest, type ServerQueue } from './sqs-long-poll'

export interface LocalSqs {
  endpoint: string
  server: Server
  stop(): Promise<void>
}

/**
 * Starts the in-process SQS server (JSON protocol). It implements RedrivePolicy itself: when a message's
 * visibility timeout runs out with ApproximateReceiveCount >= maxReceiveCount it moves to the DLQ. Its
 * ReceiveMessage is made to answer a long poll as AWS does (./sqs-long-poll.ts).
 */
export async function startSqs(opts: { port?: number } = {}): Promise<LocalSqs> {
  // The server writes its own port into queue URLs, so it needs a real one, not 0.
  const port = opts.port || (await freePort())
  const { service, requestHandler } = createRequestHandler({
    port,
    hostname: '127.0.0.1',
    // Tests create and drop prefixed queues freely; AWS's 60 s wait before re-creating a name only slows them.
    emulateQueueCreationLifecycle: false,
  })
  // Queues are created by requests; each is wrapped before the first request that could receive from it.
  const server = createServer((req, res) => {
    for (const queue of service.Queues) longPollLikeAws(queue as unknown as ServerQueue)
    // Only a receive waits, so only a receive needs to hear that its client left (the SDK names the action in
    // X-Amz-Target; a request without one, the query protocol's, keeps the signal). An AbortController and an
    // abort() per request (each abort builds a DOMException with its stack) were ~5 % of this process's CPU
    // under the bench's load (docs/PERFORMANCE.md, "CPU per message by profile").
    const target = req.headers['x-amz-target']
    if (typeof target === 'string' && !target.endsWith('.ReceiveMessage')) return void requestHandler(req, res)
    const gone = new AbortController()
    // 'close' also follows a finished answer, when nothing waits any more; before that it means the client left.
    res.once('close', () => res.writableFinished || gone.abort())
    void pollingRequest.run(gone.signal, () => requestHandler(req, res))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const stop = async () => {
    // Long polls hold connections open; close them or close() waits up to their wait time.
    const closed = new Promise<void>((r) => server.close(() => r()))
    server.closeAllConnections()
    await closed
  }
  return { endpoint: `http://127.0.0.1:${port}`, server, stop }
}
