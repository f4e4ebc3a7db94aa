import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb'
import { sleep } from './item'

const MaxRounds = 5
const ChunkSize = 25 // BatchWriteItem's limit

/**
 * Writes every request, 25 to a BatchWriteItem, the chunks side by side (all on the wire in the same turn), and
 * sends what DynamoDB leaves unprocessed again with a backoff; throws if some are still unprocessed after 5 rounds.
 */
export async function batchWriteAll(db: DynamoDBClient, table: string, requests: WriteRequest[], what: string): Promise<void> {
  const chunks: WriteRequest[][] = []
  for (let i = 0; i < requests.length; i += ChunkSize) chunks.push(requests.slice(i, i + ChunkSize))
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: WriteRequest[] | undefined = chunk
      for (let round = 0; pending?.length; round++) {
        if (round === MaxRounds) throw new Error(`${what}: writes still unprocessed after ${MaxRounds} rounds`)
        if (round > 0) await sleep(20 * 2 ** round)
        const out: BatchWriteItemCommandOutput = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }))
        pending = out.UnprocessedItems?.[table]
      }
    }),
  )
}
