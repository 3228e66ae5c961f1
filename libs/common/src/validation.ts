import { ErrorDetail } from '@agentry/contracts';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { AppError } from './errors';

/** class-validator errors as `[{ field: "definition.steps.0.id", reason: "..." }]`. */
export function validationDetails(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    // a missing required field fails every rule on it; one "required" says it better
    if (e.value === undefined && e.constraints && !('whitelistValidation' in e.constraints)) return [{ field, reason: 'required' }];
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      field,
      reason: rule === 'whitelistValidation' ? 'unknown field' : message.replace(`${e.property} `, ''),
    }));
    return [...own, ...validationDetails(e.children ?? [], field)];
  });
}

export const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false } as const;

/** Turns a plain object into a validated instance of cls, or throws INVALID_INPUT with field details. */
export async function parseAndValidate<T extends object>(cls: new () => T, plain: unknown): Promise<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw AppError.invalid('Body must be a JSON object', [{ field: '', reason: 'must be an object' }]);
  }
  const instance = plainToInstance(cls, plain);
  const errors = await validate(instance, VALIDATION_OPTIONS);
  if (errors.length) throw AppError.invalid('Invalid input', validationDetails(errors));
  return instance;
}
