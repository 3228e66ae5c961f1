import { AppError, validationDetails, VALIDATION_OPTIONS } from '@agentry/common';
import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';

/**
 * class-validator on every body and query: types converted, unknown fields rejected, each problem
 * reported as `{ field, reason }`. A body that is not a JSON object is refused before validation.
 */
@Injectable()
export class BodyValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATION_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => AppError.invalid('Invalid input', validationDetails(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === undefined || value === null) value = {};
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw AppError.invalid('Body must be a JSON object', [{ field: 'body', reason: 'must be a JSON object' }]);
      }
    }
    return super.transform(value, metadata);
  }
}
