import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'

export const LocalRegion = 'us-east-1'
/** DynamoDB Local and the SQS server check no signature, but the SDK insists on having credentials. */
export const LocalCredentials = { accessKeyId: 'local', secretAccessKey: 'local' }

export const localDynamoClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: LocalRegion, credentials: LocalCredentials, maxAttempts: 3 })

export const localSqsClient = (endpoint: string) =>
  new SQSClient({ endpoint, region: LocalRegion, credentials: LocalCredentials, maxAttempts: 3 })
