/**
 * The admin API's input DTOs are declared with these decorators: each field is one class-validator
 * check (its 400 detail names the field and says what it takes) and one OpenAPI property, so the
 * document and the checks cannot disagree. A field is JSON as sent: absent means "not given",
 * null is a value of its own (accepted only where the field says `nullable`).
 */
import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

const INPUT = Symbol('scim:AdminInput');
const FIELDS = Symbol('scim:AdminInputFields');

/** How a DTO's body is read beside its fields (AdminInputPipe). */
export interface AdminInputOptions {
  /** what an unknown key is called in the 400: `Unknown setting "x"` (default `field`) */
  readonly unknownKey?: string;
  /** keys the API shows but no request may set: 400 `"x" is read-only` */
  readonly readOnly?: readonly string[];
  /** keys accepted and dropped (a value that the path already names) */
  readonly ignored?: readonly string[];
  /** no body, `null` or an empty one is `{}` */
  readonly emptyBody?: boolean;
}

export interface AdminInputSpec extends Required<AdminInputOptions> {
  /** the fields, in declaration order (a base class's first) */
  readonly fields: readonly string[];
}

/** Marks a class as an admin API input: only such parameters are read by AdminInputPipe. */
export function AdminInput(options: AdminInputOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(INPUT, options, target);
  };
}

/** The input spec of `type`, or undefined when it is no admin API input. */
export function adminInputSpec(type: Type<unknown>): AdminInputSpec | undefined {
  const options = Reflect.getOwnMetadata(INPUT, type) as AdminInputOptions | undefined;
  if (!options) {
    return undefined;
  }
  return {
    unknownKey: options.unknownKey ?? 'field',
    readOnly: options.readOnly ?? [],
    ignored: options.ignored ?? [],
    emptyBody: options.emptyBody ?? false,
    fields: (Reflect.getMetadata(FIELDS, type.prototype) as string[] | undefined) ?? [],
  };
}

function register(prototype: object, key: string): void {
  const fields = Reflect.getOwnMetadata(FIELDS, prototype) as string[] | undefined;
  if (fields) {
    fields.push(key);
  } else {
    const inherited = (Reflect.getMetadata(FIELDS, prototype) as string[] | undefined) ?? [];
    Reflect.defineMetadata(FIELDS, [...inherited, key], prototype);
  }
}

export interface FieldOptions {
  /** what the document says of the field */
  readonly description: string;
  /** absent is refused (with the field's message) */
  readonly required?: boolean;
  /** null is a value (and documented as one); otherwise null is refused */
  readonly nullable?: boolean;
  /** the 400's detail when the value is refused; default `"<field>" must be <what>` */
  readonly message?: string;
  /** the rest of the field's schema (type, enum, format, lengths...) */
  readonly schema?: ApiPropertyOptions;
}

interface FieldCheck {
  /** true when a present, non-null value is accepted */
  readonly accepts: (value: unknown) => boolean;
  /** the default message's end: `"x" must be <what>` */
  readonly what: string;
  readonly schema: ApiPropertyOptions;
}

/**
 * One field: registered as known, checked by one class-validator rule, documented by one
 * ApiProperty. Every refusal of the field says the same thing, whatever was wrong with it.
 */
function field(check: FieldCheck, o: FieldOptions): PropertyDecorator {
  return (target, property) => {
    const key = String(property);
    register(target, key);
    const message =
      o.message ?? `"${key}" must be ${check.what}${o.nullable && check.what ? ' or null' : ''}`;
    ValidateBy(
      {
        name: 'adminField',
        validator: {
          validate: (value: unknown) =>
            value === undefined
              ? !o.required
              : value === null
                ? !!o.nullable
                : check.accepts(value),
        },
      },
      { message },
    )(target, property);
    ApiProperty({
      ...check.schema,
      ...o.schema,
      description: o.description,
      required: !!o.required,
      ...(o.nullable ? { nullable: true } : {}),
    } as ApiPropertyOptions)(target, property);
  };
}

/** A JSON string (that `accepts` takes, when given). */
export function StringField(
  o: FieldOptions & { accepts?: (v: string) => boolean },
): PropertyDecorator {
  const accepts = o.accepts ?? (() => true);
  return field(
    {
      accepts: (v) => typeof v === 'string' && accepts(v),
      what: 'a string',
      schema: { type: 'string' },
    },
    o,
  );
}

/** true or false. */
export function BooleanField(o: FieldOptions): PropertyDecorator {
  return field(
    { accepts: (v) => typeof v === 'boolean', what: 'a boolean', schema: { type: 'boolean' } },
    o,
  );
}

/** A JSON number (its range is the service's to check, unless `accepts` narrows it). */
export function NumberField(
  o: FieldOptions & { accepts?: (v: number) => boolean },
): PropertyDecorator {
  const accepts = o.accepts ?? (() => true);
  return field(
    {
      accepts: (v) => typeof v === 'number' && accepts(v),
      what: 'a number',
      schema: { type: 'number' },
    },
    o,
  );
}

/** Scopes as a list of strings, or one comma-separated string. */
export function ScopesField(o: FieldOptions): PropertyDecorator {
  return field(
    {
      accepts: (v) =>
        typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
      what: 'a list of scopes',
      schema: {
        oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
        example: ['users:read', 'users:write'],
      },
    },
    o,
  );
}

/** A JSON object (not an array). */
export function ObjectField(
  o: FieldOptions & { accepts?: (v: object) => boolean },
): PropertyDecorator {
  const accepts = o.accepts ?? (() => true);
  return field(
    {
      accepts: (v) => typeof v === 'object' && !Array.isArray(v) && accepts(v as object),
      what: 'an object',
      schema: { type: 'object', additionalProperties: true },
    },
    o,
  );
}

/** Any JSON value: checked further by the service that takes it. */
export function AnyField(o: FieldOptions): PropertyDecorator {
  return field({ accepts: () => true, what: '', schema: {} }, o);
}

/** A second rule on a field already declared: refused values get `message`. */
export function Also(accepts: (value: unknown) => boolean, message: string): PropertyDecorator {
  return ValidateBy(
    {
      name: 'adminFieldAlso',
      validator: { validate: (v: unknown) => v === undefined || v === null || accepts(v) },
    },
    { message },
  );
}

/**
 * An integer query parameter from `min` to `max`, `def` when absent or empty. The text must be
 * digits only (no sign, exponent or fraction), as a client would write the number.
 */
export function IntQuery(
  min: number,
  max: number,
  def: number,
  description: string,
): PropertyDecorator {
  return (target, property) => {
    const key = String(property);
    register(target, key);
    Transform(({ value }: { value: unknown }) =>
      value === ''
        ? undefined
        : typeof value === 'string' && /^\d{1,9}$/.test(value)
          ? Number(value)
          : value,
    )(target, property);
    ValidateBy(
      {
        name: 'adminIntQuery',
        validator: {
          validate: (v: unknown) =>
            v === undefined ||
            (Number.isInteger(v) && (v as number) >= min && (v as number) <= max),
        },
      },
      { message: `${key} must be an integer from ${min} to ${max}` },
    )(target, property);
    ApiProperty({
      type: 'integer',
      minimum: min,
      maximum: max,
      default: def,
      required: false,
      description,
    })(target, property);
  };
}

/** A query parameter that is one of `values`; absent (or empty) when not given. */
export function OneOfQuery(values: readonly string[], description: string): PropertyDecorator {
  return TextQuery((v) => values.includes(v), `must be one of ${values.join(', ')}`, description, {
    enum: [...values],
  });
}

/** A text query parameter that `accepts` takes; absent (or empty) when not given. */
export function TextQuery(
  accepts: (v: string) => boolean,
  must: string,
  description: string,
  schema: ApiPropertyOptions = {},
): PropertyDecorator {
  return (target, property) => {
    const key = String(property);
    register(target, key);
    Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))(
      target,
      property,
    );
    ValidateBy(
      {
        name: 'adminTextQuery',
        validator: {
          validate: (v: unknown) => v === undefined || (typeof v === 'string' && accepts(v)),
        },
      },
      { message: `${key} ${must}` },
    )(target, property);
    ApiProperty({ type: 'string', ...schema, required: false, description } as ApiPropertyOptions)(
      target,
      property,
    );
  };
}
