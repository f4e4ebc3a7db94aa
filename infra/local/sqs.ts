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
    // 'close' also follows a finished answer, when nothing waits any more; before that it means the client left.
    const gone = new AbortController()
    res.once('close', () => gone.abort())
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
