/**
 * Where an upstream's credentials come from, by the name in `upstream.secretRef` (never the secret
 * itself in the reference table). Locally: environment variables. On AWS a Secrets Manager / SSM
 * implementation of the same interface can be dropped in by the wiring.
 */
export interface SecretSource {
  get(ref: string): Promise<string | undefined>
}

/** `SECRET_<REF>`: the ref upper-cased, anything but letters and digits turned into `_` (`carrier-a` -> `SECRET_CARRIER_A`). */
export const secretEnvKey = (ref: string): string => `SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`

export function envSecrets(env: Record<string, string | undefined>): SecretSource {
  return {
    async get(ref) {
      return env[secretEnvKey(ref)]?.trim() || undefined
    },
  }
}
