import { AppError } from '@agentry/common';

export const AgentsError = {
  notFound: (ref: string) => AppError.notFound('Agent', ref),
  slugTaken: (slug: string) => AppError.conflict(`An agent with slug "${slug}" already exists`, [{ field: 'slug', reason: 'already taken' }]),
};
