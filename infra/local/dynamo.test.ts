import { expect, it } from 'vitest'
import { DynamoDBJavaOpts, jvmEnv } from './dynamo'

it("DynamoDB Local's JVM: C1 only and the serial collector after the caller's own options, telemetry off unless set", () => {
  expect(jvmEnv(DynamoDBJavaOpts, {})).toEqual({ JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC', DDB_LOCAL_TELEMETRY: '0' })
  expect(jvmEnv('-Xmx512m', { JAVA_TOOL_OPTIONS: '-Dx=1', DDB_LOCAL_TELEMETRY: '1' })).toEqual({
    JAVA_TOOL_OPTIONS: '-Dx=1 -Xmx512m',
    DDB_LOCAL_TELEMETRY: '1',
  })
  expect(jvmEnv('', {})).toEqual({ DDB_LOCAL_TELEMETRY: '0' }) // DYNAMO_JAVA_OPTS= empty: the JVM's defaults
})
