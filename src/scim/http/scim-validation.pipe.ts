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

/** far deeper than any envelope: a SearchRequest nests a string in an array in an object */
export const MAX_ENVELOPE_DEPTH = 32;

/**
 * Why class-transformer cannot be given `value`, or undefined when it can. It recurses once per
 * level, so a body nested thousands of levels deep overflows the stack; and it takes a nested
 * plain object's type from its `constructor`, so a JSON member of that name
 * (`{"attributes": [{"constructor": 1}]}`) makes it throw. Iterative: bodies may nest deeply.
 */
export function envelopeShapeError(value: unknown): string | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) {
      continue;
    }
    if (depth > MAX_ENVELOPE_DEPTH) {
      return `The request nests values more than ${MAX_ENVELOPE_DEPTH} levels deep`;
    }
    if (depth > 0 && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, 'constructor')) {
      return 'The request must not contain objects with a "constructor" member';
    }
    for (const child of Object.values(v as object)) {
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
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
    // no envelope member is an object or nests deeper than an array of strings (RFC 7644
    // §3.4.3 lists the members and their types): what class-transformer cannot take is a 400
    const shape = this.toValidate(metadata) ? envelopeShapeError(value) : undefined;
    if (shape) {
      return Promise.reject(ScimError.invalidValue(shape));
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export const scimValidationPipe: ValidationPipe = new ScimValidationPipe({
  transform: true,
  whitelist: true,
  exceptionFactory: (errors) => ScimError.invalidValue(messages(errors).join('; ')),
});
