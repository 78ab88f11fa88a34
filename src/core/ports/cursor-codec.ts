/**
 * Sealing of RFC 9865 cursors. The core builds a cursor's payload (its query fingerprint and
 * position, `core/messages/cursor.ts`); a CursorCodec turns it into the opaque text the client
 * gets and back. The core stays pure: the key and the cipher live in an adapter.
 */
export interface CursorCodec {
  /** the opaque, tamper-evident cursor text of a payload */
  seal(payload: string): string;
  /**
   * The payload of a cursor this codec sealed, or undefined for any other text: malformed,
   * tampered, forged, sealed for another tenant or under another key.
   */
  open(cursor: string): string | undefined;
}

/** Makes the CursorCodec of one tenant: its cursors open for that tenant only. */
export interface CursorSealer {
  forTenant(tenantId: string): CursorCodec;
}
