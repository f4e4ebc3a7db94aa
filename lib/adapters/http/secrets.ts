import { EnvKeys } from '../../config'
import type { SecretSource } from '../../ports/secrets'

export type { SecretSource }

/**
 * Where an upstream's credentials come from, by the name in `upstream.secretRef` (never the secret
 * itself in the reference table). Locally and on ECS (which injects them at task start): environment
 * variables. In a Lambda: lib/adapters/aws/secrets.ts (the Parameters and Secrets extension), this one as fallback.
 *
 * `SECRET_<REF>` (lib/config.ts EnvKeys.secret): `carrier-a` -> `SECRET_CARRIER_A`. */
export const secretEnvKey = EnvKeys.secret

export function envSecrets(env: Record<string, string | undefined>): SecretSource {
  return {
    async get(ref) {
      return env[secretEnvKey(ref)]?.trim() || undefined
    },
  }
}

/** The first source that knows the ref wins; an error in one is not hidden by the next. */
export function firstOf(...sources: SecretSource[]): SecretSource {
  return {
    async get(ref) {
      for (const source of sources) {
        const value = await source.get(ref)
        if (value !== undefined) return value
      }
      return undefined
    },
  }
}
