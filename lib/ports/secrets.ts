/** Carrier credentials and other secrets by reference (an upstream's passwordRef); undefined when unknown. */
export interface SecretSource {
  get(ref: string): Promise<string | undefined>
}
