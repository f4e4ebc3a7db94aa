/**
 * A page cursor the caller sent back could not be read. Adapters throw it (each encodes its own cursors),
 * the API answers 400 invalid_cursor: a port-level error, so no caller needs to know which adapter made it.
 */
export class InvalidCursor extends RangeError {
  constructor() {
    super('invalid pagination cursor')
    this.name = 'InvalidCursor'
  }
}
