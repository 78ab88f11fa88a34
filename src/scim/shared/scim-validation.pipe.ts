import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ScimError } from '../core/errors/scim-error';

function messages(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}),
    ...messages(e.children ?? []),
  ]);
}

/** Envelope validation (query parameters, PatchOp/Bulk envelopes): failures are SCIM 400s. */
export const scimValidationPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  exceptionFactory: (errors) => ScimError.invalidValue(messages(errors).join('; ')),
});
