import { Injectable } from '@nestjs/common';
import { CompiledExpression, compileExpression, ExpressionError } from '../definition/expression';
import { StepError, StepErrorCode } from './step-error';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

/** `transform`: `{ expression }` → the JSONata expression's value. */
@Injectable()
export class TransformStep implements StepRunner {
  readonly type = 'transform' as const;
  readonly pure = true;
  readonly rawWithFields = ['expression'];

  prepare(rawWith: Record<string, unknown>, where: string): CompiledExpression {
    if (typeof rawWith.expression !== 'string') throw new ExpressionError('expression must be a string', `${where}.expression`);
    return compileExpression(rawWith.expression, `${where}.expression`);
  }

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    try {
      return { type: 'succeeded', output: await (ctx.step.prepared as CompiledExpression).evaluate(ctx.scope) };
    } catch (err) {
      if (err instanceof ExpressionError) throw new StepError(StepErrorCode.EXPRESSION_ERROR, `${err.where}: ${err.message}`);
      throw err;
    }
  }
}
