import { ArgumentMetadata, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { ScimError } from '../../core/errors/scim-error';
import { ListQueryDto, ProjectionQueryDto, listQueryOf, projectionQueryOf } from './list-query.dto';

function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...messages(e.children ?? []),
  ]);
}

/** Query DTOs built without class-transformer when their values allow (list-query.dto.ts). */
const DIRECT_QUERIES = new Map<Type<unknown> | undefined, (q: unknown) => object | undefined>([
  [ListQueryDto, listQueryOf],
  [ProjectionQueryDto, projectionQueryOf],
]);

/**
 * Envelope validation (query parameters, PatchOp/Bulk envelopes): failures are SCIM 400s.
 * The query DTOs of GET take a direct path when every value is a plain accepted string, so most
 * requests skip the cost of class-transformer and class-validator; everything else goes through
 * them.
 */
class ScimValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'query') {
      const dto = DIRECT_QUERIES.get(metadata.metatype)?.(value);
      if (dto) {
        return Promise.resolve(dto);
      }
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export const scimValidationPipe: ValidationPipe = new ScimValidationPipe({
  transform: true,
  whitelist: true,
  exceptionFactory: (errors) => ScimError.invalidValue(messages(errors).join('; ')),
});
