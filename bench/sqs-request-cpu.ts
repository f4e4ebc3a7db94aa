import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs'
import { localSqsClient } from '../infra/local/clients'
import { startSqs } from '../infra/local/sqs'

/**
 * CPU per SQS request, split between the local SQS server (infra/local/sqs.ts, in this process) and the SDK client
 * that sends it (a child process, the way the Lambda host and the node are): the per-request half of the stack's
 * CPU per message (issue 12). Each round is the pipeline's hop on one queue: SendMessageBatch, ReceiveMessage,
 * DeleteMessageBatch, of `batch` messages. CPU time, not a rate: it means something on a shared machine.
 *
 *   npx tsx bench/sqs-request-cpu.ts [rounds=1000] [batch=2]
 */
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1_000
}

async function client(endpoint: string, queueUrl: string, rounds: number, batch: number) {
  const sqs = localSqsClient(endpoint)
  const round = async () => {
    const Entries = Array.from({ length: batch }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ i, text: 'x'.repeat(300) }) }))
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }))
    let got = 0
    while (got < batch) {
      const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))
      const msgs = res.Messages ?? []
      got += msgs.length
      if (msgs.length === 0) continue
      const del = msgs.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }))
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: del }))
    }
  }
  for (let i = 0; i < Math.min(100, rounds); i++) await round() // warm-up: JIT, keep-alive sockets
  const t0 = cpuMs()
  for (let i = 0; i < rounds; i++) await round()
  console.log(JSON.stringify({ clientCpuMs: cpuMs() - t0 }))
}

async function server(rounds: number, batch: number) {
  const sqs = await startSqs()
  try {
    const made = await localSqsClient(sqs.endpoint).send(new CreateQueueCommand({ QueueName: 'bench-request-cpu' }))
    const queueUrl = made.QueueUrl ?? ''
    const t0 = cpuMs()
    // Not execFileSync: the server answers from this process's event loop.
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), 'client', sqs.endpoint, queueUrl, String(rounds), String(batch)],
      { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    )
    const serverMs = cpuMs() - t0
    const { clientCpuMs } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { clientCpuMs: number }
    // Three requests a round (a receive that came back empty is rare: the message is there when it polls).
    const requests = 3 * (rounds + Math.min(100, rounds))
    console.log(`${rounds} rounds of ${batch} messages (send, receive, delete), ${requests} requests`)
    console.log(`${(serverMs / requests).toFixed(3)} ms CPU per request  local SQS server (incl. the warm-up)`)
    console.log(`${(clientCpuMs / (3 * rounds)).toFixed(3)} ms CPU per request  SDK client`)
  } finally {
    await sqs.stop()
  }
}

const [mode, ...rest] = process.argv.slice(2)
if (mode === 'client') await client(rest[0], rest[1], Number(rest[2]), Number(rest[3]))
else await server(Number(mode ?? 1000) || 1000, Number(rest[0] ?? 2) || 2)
