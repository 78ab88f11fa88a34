import { ArgumentMetadata, PipeTransform, Type, ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ScimError } from '../core/errors/scim-error';
import { checkWellFormed } from '../core/resource/well-formed';
import { envelopeShapeError } from '../scim/http/scim-validation.pipe';
import { AdminInputSpec, adminInputSpec } from './admin-input.decorators';

const invalid = (detail: string) => ScimError.invalidValue(detail);

function messages(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...messages(e.children ?? []),
  ]);
}

/** The keys of a JSON body that the DTO takes: unknown and read-only ones are a 400 naming them. */
function bodyFields(value: unknown, spec: AdminInputSpec): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('The request body must be a JSON object');
  }
  // a token name or webhook secret with a lone surrogate would be stored differently per database
  checkWellFormed(value, 'The request body');
  // class-transformer recurses per level and types nested objects by their `constructor`
  const shape = envelopeShapeError(value);
  if (shape) {
    throw invalid(shape);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (spec.ignored.includes(key)) {
      continue;
    }
    if (spec.readOnly.includes(key)) {
      throw invalid(`"${key}" is read-only`);
    }
    if (!spec.fields.includes(key)) {
      throw invalid(
        `Unknown ${spec.unknownKey} "${key.slice(0, 64)}": use ${spec.fields.join(', ')}`,
      );
    }
    out[key] = v;
  }
  return out;
}

/** The query parameters the DTO declares (others are ignored, as by any HTTP API). */
function queryFields(value: unknown, spec: AdminInputSpec): Record<string, unknown> {
  const query = (value ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    spec.fields.filter((f) => Object.hasOwn(query, f)).map((f) => [f, query[f]]),
  );
}

/**
 * `value` as the admin input `type` (a body or a query), or a 400 invalidValue whose detail
 * names each refused field and why. Synchronous, so the CLI checks its input with the same DTOs.
 */
export function toAdminInput<T extends object>(
  type: Type<T>,
  value: unknown,
  where: 'body' | 'query',
): T {
  const spec = adminInputSpec(type);
  if (!spec) {
    throw new Error(`${type.name} is not an admin API input (@AdminInput)`);
  }
  const empty = value === undefined || value === null || value === '';
  const fields =
    where === 'query'
      ? queryFields(value, spec)
      : bodyFields(empty && spec.emptyBody ? {} : value, spec);
  const dto = plainToInstance(type, fields, { exposeUnsetFields: false });
  const errors = validateSync(dto, { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length) {
    throw invalid(messages(errors).join('; '));
  }
  return dto;
}

/**
 * The admin API's validation pipe, attached by @AdminController (never global, so neither the
 * SCIM routes nor a host's own routes see it): a body or query parameter typed with an
 * @AdminInput class becomes that DTO, checked; anything else passes unchanged.
 */
export class AdminInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype as Type<object> | undefined;
    if (!type || (metadata.type !== 'body' && metadata.type !== 'query') || !adminInputSpec(type)) {
      return value;
    }
    return toAdminInput(type, value, metadata.type);
  }
}

export const adminInputPipe = new AdminInputPipe();
