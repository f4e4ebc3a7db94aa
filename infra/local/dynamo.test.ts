import { expect, it } from 'vitest'
import { jvmEnv } from './dynamo'

it("DynamoDB Local's JVM: C1 only, the serial collector, telemetry off; the caller's own settings come after and win", () => {
  expect(jvmEnv({})).toEqual({ JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC', DDB_LOCAL_TELEMETRY: '0' })
  expect(jvmEnv({ JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=4', DDB_LOCAL_TELEMETRY: '1' })).toEqual({
    JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:TieredStopAtLevel=4',
    DDB_LOCAL_TELEMETRY: '1',
  })
})
