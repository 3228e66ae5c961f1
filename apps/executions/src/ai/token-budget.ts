import { Usage } from '@agentry/ai';
import { AiStepErrorCode, aiStepError } from './ai-step-errors';

/**
 * A run's token budget as one step sees it: what earlier steps used, what this step used so far,
 * and the agent's `max_tokens_per_run` (none: no limit).
 */
export class TokenBudget {
  private used = 0;

  constructor(
    private readonly before: number,
    private readonly max: number | null,
  ) {}

  get stepTokens(): number {
    return this.used;
  }

  /** Refuses to start a model call when the run has nothing left. */
  checkBeforeCall(): void {
    if (this.max !== null && this.before + this.used >= this.max) throw this.exceeded();
  }

  /** Counts a call's usage; the call that goes over the budget ends the step. */
  add(usage: Usage): void {
    this.used += usage.totalTokens;
    if (this.max !== null && this.before + this.used > this.max) throw this.exceeded();
  }

  private exceeded() {
    return aiStepError(
      AiStepErrorCode.TOKEN_BUDGET_EXCEEDED,
      `the run used ${this.before + this.used} tokens, over the agent's max_tokens_per_run of ${this.max}`,
      { output: { tokens_used: this.used, run_tokens_used: this.before + this.used, max_tokens_per_run: this.max } },
    );
  }
}
