import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { sdkClientOptions } from '../../lib/adapters/aws/client-options'

export const LocalRegion = 'us-east-1'
/** DynamoDB Local and the SQS server check no signature, but the SDK insists on having credentials. */
export const LocalCredentials = { accessKeyId: 'local', secretAccessKey: 'local' }

export const localDynamoClient = (endpoint: string) =>
  new DynamoDBClient({ ...sdkClientOptions, endpoint, region: LocalRegion, credentials: LocalCredentials, maxAttempts: 3 })

export const localSqsClient = (endpoint: string) =>
  new SQSClient({ ...sdkClientOptions, endpoint, region: LocalRegion, credentials: LocalCredentials, maxAttempts: 3 })
