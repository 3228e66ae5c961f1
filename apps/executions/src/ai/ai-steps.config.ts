import { toBool } from '@agentry/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';

/** Settings of the `llm`, `agent` and `tool` steps, from the environment (validated at start). */
export class AiStepsConfig {
  /** Budget of one model call attempt (a streamed answer: until its first byte, then LLM_IDLE_TIMEOUT_MS between chunks). */
  @IsInt()
  @Min(1_000)
  @Max(900_000)
  LLM_TIMEOUT_MS: number = 120_000;

  @IsInt()
  @Min(1_000)
  @Max(900_000)
  LLM_IDLE_TIMEOUT_MS: number = 60_000;

  /** Retries of one model call on 429/5xx and network errors (Retry-After is honoured). */
  @IsInt()
  @Min(0)
  @Max(10)
  LLM_MAX_RETRIES: number = 3;

  /** A longer Retry-After than this fails the attempt (retryable by the step's own retry policy) instead of holding a worker. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  LLM_MAX_RETRY_DELAY_MS: number = 30_000;

  /** Stream model output (text deltas go to `executions.llm.<execution_id>`); steps may say `stream: false`. */
  @Transform(toBool)
  @IsBoolean()
  LLM_STREAM: boolean = true;

  /** Budget of one tool call made by a `tool` or `agent` step. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  TOOL_CALL_TIMEOUT_MS: number = 30_000;

  /** Tool calls an agent runs at once when the model asks for several. */
  @IsInt()
  @Min(1)
  @Max(32)
  AGENT_TOOL_CONCURRENCY: number = 8;
}

export const AI_STEPS_CONFIG = Symbol('AI_STEPS_CONFIG');
