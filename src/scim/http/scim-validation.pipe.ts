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
 * Whether an object below the top of `value` has its own `constructor` member. class-transformer
 * takes a nested plain object's type from its `constructor`, so a JSON member of that name
 * (`{"attributes": [{"constructor": 1}]}`) makes it throw. Iterative: bodies may nest deeply.
 */
export function hasNestedConstructorMember(value: unknown): boolean {
  const stack: unknown[] =
    typeof value === 'object' && value !== null ? Object.values(value as object) : [];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) {
      continue;
    }
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, 'constructor')) {
      return true;
    }
    for (const child of Object.values(v as object)) {
      stack.push(child);
    }
  }
  return false;
}

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
    // no envelope member is an object, so an object named `constructor` inside one is no
    // valid request (RFC 7644 §3.4.3 lists the members and their types): 400, not a TypeError
    if (hasNestedConstructorMember(value)) {
      return Promise.reject(
        ScimError.invalidValue('The request must not contain objects with a "constructor" member'),
      );
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export const scimValidationPipe: ValidationPipe = new ScimValidationPipe({
  transform: true,
  whitelist: true,
  exceptionFactory: (errors) => ScimError.invalidValue(messages(errors).join('; ')),
});
