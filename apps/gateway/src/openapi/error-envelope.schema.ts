import { ERROR_HTTP_STATUS, ErrorCode } from '@agentry/contracts';
import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class ErrorDetailSchema {
  @ApiProperty({ example: 'name' }) field: string;
  @ApiProperty({ example: 'required' }) reason: string;
}

export class ErrorBodySchema {
  @ApiProperty({ enum: Object.values(ErrorCode), example: 'INVALID_INPUT' }) code: string;
  @ApiProperty({ example: 'Invalid input' }) message: string;
  @ApiPropertyOptional({ type: [ErrorDetailSchema] }) details?: ErrorDetailSchema[];
  @ApiProperty({ example: 'req_01JD5Z4Q9X7N3B2V1C0M8K6H4G' }) request_id: string;
}

export class ErrorEnvelopeSchema {
  @ApiProperty({ type: ErrorBodySchema }) error: ErrorBodySchema;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: wrong types, missing or unknown fields (see `details`)',
  401: 'Missing, malformed, expired or revoked API key',
  403: 'The API key lacks a scope, or the plan does not allow this',
  404: 'Not found in this workspace',
  409: 'Conflict: the resource changed, a unique field is taken, or an Idempotency-Key was reused with another body',
  413: 'Request body larger than the limit',
  415: 'Content-Type is not application/json',
  424: 'A connection the agent needs is missing or not active',
  429: 'Rate limit exceeded; see Retry-After',
  500: 'Internal error (retryable when code is EXECUTION_FAILED)',
  503: 'A service is unavailable; retry later',
};

const EXAMPLE_CODE: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(ERROR_HTTP_STATUS)
    .map(([code, status]) => [status, code as ErrorCode])
    .reverse(),
);

/** Documents the error responses of a route, each with an example envelope. 401, 429 and 503 are added for every authenticated route. */
export function ApiErrors(...statuses: number[]) {
  const all = [...new Set([...statuses, 401, 429, 503])].sort();
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeSchema),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ErrorEnvelopeSchema) },
            example: {
              error: {
                code: status === 400 ? 'INVALID_INPUT' : (EXAMPLE_CODE[status] ?? 'INTERNAL'),
                message: DESCRIPTIONS[status] ?? 'Error',
                ...(status === 400 ? { details: [{ field: 'name', reason: 'must be a string' }] } : {}),
                request_id: 'req_01JD5Z4Q9X7N3B2V1C0M8K6H4G',
              },
            },
          },
        },
      }),
    ),
  );
}

/** `{ data: T[], next_cursor }` for list responses. */
export function ApiPage<T>(model: Type<T>, description = 'A page of results') {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status: 200,
      description,
      schema: {
        type: 'object',
        required: ['data', 'next_cursor'],
        properties: {
          data: { type: 'array', items: { $ref: getSchemaPath(model) } },
          next_cursor: { type: 'string', nullable: true, example: null, description: 'Pass as `cursor` to get the next page' },
        },
      },
    }),
  );
}
