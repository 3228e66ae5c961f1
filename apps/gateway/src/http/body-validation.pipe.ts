import { AppError, validationDetails, VALIDATION_OPTIONS } from '@agentry/common';
import type { ErrorDetail } from '@agentry/contracts';
import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';

/** Deeper JSON overflows the stack of the validators (a 500) long before the body limit: refuse it first. */
export const MAX_BODY_DEPTH = 64;
const NUL_REASON = 'must not contain the NUL character (\\u0000)';

/**
 * What in a JSON value the services cannot take, as a detail: nesting deeper than MAX_BODY_DEPTH (the
 * validators recurse), or a NUL character anywhere (PostgreSQL text and jsonb cannot hold one). No recursion.
 */
export function unstorableJson(value: unknown, root = 'body'): ErrorDetail | null {
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: '', depth: 0 }];
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return { field: path || root, reason: NUL_REASON };
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_BODY_DEPTH) return { field: root, reason: `must not nest deeper than ${MAX_BODY_DEPTH} levels` };
    for (const [key, child] of Object.entries(node)) {
      if (key.includes('\u0000')) return { field: path || root, reason: NUL_REASON };
      stack.push({ node: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return null;
}

/** 400 for a body (or query) the services could not store or validate; see unstorableJson. */
export function assertStorableJson(value: unknown, root = 'body'): void {
  const problem = unstorableJson(value, root);
  if (problem) throw AppError.invalid('Invalid input', [problem]);
}

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
      assertStorableJson(value);
    }
    if (metadata.type === 'query') assertStorableJson(value, 'query');
    return super.transform(value, metadata);
  }
}
