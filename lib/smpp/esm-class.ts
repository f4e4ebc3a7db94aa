/**
 * esm_class bits (SMPP 3.4 section 5.2.12) the platform reads or sets, in one table: the codec, the
 * encodings (UDH), the receipts and the upstream binds all take them from here. A leaf module, so
 * lib/encoding can use it without depending on the codec.
 */
export const EsmClass = {
  /** Bits 5-2, the message type: 0 default; set by an SMSC on its own PDUs only. */
  MessageTypeMask: 0x3c,
  DeliveryReceipt: 0x04, // message type: SMSC delivery receipt
  IntermediateNotification: 0x20, // message type: intermediate delivery notification
  UdhIndicator: 0x40, // UDHI: short_message starts with a user data header
  ReplyPath: 0x80, // set reply path
} as const
