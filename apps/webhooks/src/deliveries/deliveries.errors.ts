import { AppError } from '@agentry/common';

export const DeliveriesError = {
  notFound: (ref: string) => AppError.notFound('Delivery', ref),
  inFlight: (id: string) =>
    AppError.conflict(`Delivery ${id} has an attempt in flight; wait for its result`, [{ field: 'status', reason: 'attempt in flight' }]),
};
