import { AppError } from '@agentry/common';
import { ErrorCode } from '@agentry/contracts';

export const EndpointsError = {
  notFound: (ref: string) => AppError.notFound('Webhook endpoint', ref),
  disabled: (id: string) =>
    AppError.conflict(`Webhook endpoint ${id} is disabled; enable it first (PATCH status=enabled)`, [
      { field: 'status', reason: 'disabled' },
    ]),
  badUrl: (reason: string) => AppError.invalid('Invalid endpoint URL', [{ field: 'url', reason }]),
  reasonWithoutDisable: () =>
    AppError.invalid('Invalid input', [{ field: 'disabled_reason', reason: 'only allowed with status "disabled"' }]),
  payloadTooLarge: (bytes: number, limit: number) =>
    new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `The payload would be ${bytes} bytes; webhook payloads are limited to ${limit} bytes`, [
      { field: 'data', reason: `payload larger than ${limit} bytes` },
    ]),
  badRange: (field: string, reason: string) => AppError.invalid('Invalid input', [{ field, reason }]),
};
