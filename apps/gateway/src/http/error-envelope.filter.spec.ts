import { HttpException, InternalServerErrorException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ErrorCode } from '@agentry/contracts';
import { resolveError, retryAfterSeconds } from './error-envelope.filter';

describe(resolveError.name, () => {
  it('never shows what a 500 was about', () => {
    expect(resolveError(new Error('relation "gateway.secrets" does not exist'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'Internal error',
    });
    expect(resolveError(new InternalServerErrorException('pool exhausted at db-01.internal:5432'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'Internal error',
    });
    expect(resolveError(new HttpException('upstream 10.0.0.7 refused', 502))).toMatchObject({ status: 502, message: 'Internal error' });
  });

  it('keeps the message of client errors and of 503', () => {
    expect(resolveError(new NotFoundException('Cannot GET /v1/nope'))).toMatchObject({ status: 404, message: 'No such route' });
    expect(resolveError(new ServiceUnavailableException('Try again later'))).toMatchObject({ status: 503, message: 'Try again later' });
  });
});

describe(retryAfterSeconds.name, () => {
  it('sends a client over its runs per day to 00:00 UTC, and any other 429 to the next second', () => {
    const now = Date.parse('2026-03-01T23:59:30.200Z');
    expect(retryAfterSeconds(ErrorCode.QUOTA_EXCEEDED, now)).toBe(30);
    expect(retryAfterSeconds(ErrorCode.QUOTA_EXCEEDED, Date.parse('2026-03-01T00:00:00.000Z'))).toBe(86_400);
    expect(retryAfterSeconds(ErrorCode.RATE_LIMITED, now)).toBe(1);
  });
});
