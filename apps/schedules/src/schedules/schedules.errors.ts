import { AppError } from '@agentry/common';

export const SchedulesError = {
  notFound: (ref: string) => AppError.notFound('Schedule', ref),
  invalid: (field: string, reason: string) => AppError.invalid(`Invalid ${field}`, [{ field, reason }]),
  notNullable: (fields: string[]) =>
    AppError.invalid(
      'Invalid input',
      fields.map((field) => ({ field, reason: 'cannot be null' })),
    ),
};
