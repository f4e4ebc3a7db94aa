import type { Server } from 'node:http'
import { createSqsServer } from 'local-aws-sqs'
import { freePort } from './ports'

export interface LocalSqs {
  endpoint: string
  server: Server
  stop(): Promise<void>
}

/**
 * Starts the in-process SQS server (JSON protocol). It implements RedrivePolicy itself: when a message's
 * visibility timeout runs out with ApproximateReceiveCount >= maxReceiveCount it moves to the DLQ.
 */
export async function startSqs(opts: { port?: number } = {}): Promise<LocalSqs> {
  // The server writes its own port into queue URLs, so it needs a real one, not 0.
  const port = opts.port || (await freePort())
  const server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    // Tests create and drop prefixed queues freely; AWS's 60 s wait before re-creating a name only slows them.
    emulateQueueCreationLifecycle: false,
  })
  if (!server.listening) await new Promise((r) => server.once('listening', r))
  const stop = async () => {
    // Long polls hold connections open; close them or close() waits up to their wait time.
    const closed = new Promise<void>((r) => server.close(() => r()))
    server.closeAllConnections()
    await closed
  }
  return { endpoint: `http://127.0.0.1:${port}`, server, stop }
}
