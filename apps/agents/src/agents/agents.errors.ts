import { AppError } from '@agentry/common';

export const AgentsError = {
  notFound: (ref: string) => AppError.notFound('Agent', ref),
  templateNotFound: (id: string) => AppError.notFound('Agent template', id),
  slugTaken: (slug: string) =>
    AppError.conflict(`An agent with slug "${slug}" already exists`, [{ field: 'slug', reason: 'already taken' }]),
  notNullable: (fields: string[]) =>
    AppError.invalid(
      'Invalid input',
      fields.map((field) => ({ field, reason: 'cannot be null' })),
    ),
};
