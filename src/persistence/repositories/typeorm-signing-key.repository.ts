import { DataSource, IsNull, LessThan, Repository } from 'typeorm';
import { SigningKeyRepository, StoredSigningKey } from '../../core/ports/signing-key.repository';
import { OAuthSigningKeyEntity } from '../entities/oauth.entity';

/** The access-token signing keys in scim_oauth_signing_keys. */
export class TypeOrmSigningKeyRepository implements SigningKeyRepository {
  private readonly repo: Repository<OAuthSigningKeyEntity>;

  constructor(ds: DataSource) {
    this.repo = ds.getRepository(OAuthSigningKeyEntity);
  }

  async list(): Promise<StoredSigningKey[]> {
    const rows = await this.repo.find({ order: { createdAt: 'DESC', kid: 'DESC' } });
    return rows.map((e) => ({
      kid: e.kid,
      alg: e.alg,
      publicJwk: e.publicJwk,
      sealedPrivateKey: e.privateKey,
      createdAt: e.createdAt,
      retiredAt: e.retiredAt,
    }));
  }

  async insert(k: StoredSigningKey): Promise<void> {
    await this.repo.insert({
      kid: k.kid,
      alg: k.alg,
      publicJwk: k.publicJwk,
      privateKey: k.sealedPrivateKey,
      createdAt: k.createdAt,
      retiredAt: k.retiredAt,
    });
  }

  async retireOlderThan(createdBefore: string, at: string): Promise<number> {
    const res = await this.repo.update(
      { retiredAt: IsNull(), createdAt: LessThan(createdBefore) },
      { retiredAt: at },
    );
    return res.affected ?? 0;
  }

  async deleteRetiredBefore(before: string): Promise<number> {
    // a NULL retired_at compares as unknown: unretired keys are never deleted
    const res = await this.repo.delete({ retiredAt: LessThan(before) });
    return res.affected ?? 0;
  }
}
