import { HttpException, InternalServerErrorException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { resolveError } from './error-envelope.filter';

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
