/**
 * The keys that sign OAuth access tokens (RFC 9068), generated and stored by the server: the
 * private key only sealed (encrypted under a server key), the public one as a JWK. Types only.
 */
export interface StoredSigningKey {
  /** the JWS `kid` */
  readonly kid: string;
  /** the JWS algorithm, e.g. RS256 */
  readonly alg: string;
  /** the public key as a JWK (RFC 7517), JSON text */
  readonly publicJwk: string;
  /** the private key (PKCS#8 DER) sealed by the key sealer; never stored in the clear */
  readonly sealedPrivateKey: string;
  readonly createdAt: string;
  /** when a newer key took over signing; it still verifies the tokens it signed until they expire */
  readonly retiredAt: string | null;
}

export interface SigningKeyRepository {
  /** every stored key, newest first */
  list(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** retires the unretired keys created before `createdBefore`; returns how many */
  retireOlderThan(createdBefore: string, at: string): Promise<number>;
  /** deletes keys retired before `before` (their tokens have all expired); returns how many */
  deleteRetiredBefore(before: string): Promise<number>;
}
