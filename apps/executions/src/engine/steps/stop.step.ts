import { Injectable } from '@nestjs/common';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

/** `stop`: `{ output }` → the run finishes now, succeeded, with this output. */
@Injectable()
export class StopStep implements StepRunner {
  readonly type = 'stop' as const;
  readonly pure = true;

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    return { type: 'stop', output: ctx.with.output ?? null };
  }
}
