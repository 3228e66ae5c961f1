import { addUsage, ChatMessage, emptyUsage } from '@agentry/ai';
import { Injectable } from '@nestjs/common';
import { AiStepErrorCode, aiStepError, withTokens } from '../../ai/ai-step-errors';
import { ModelClient } from '../../ai/model-client';
import {
  conversation,
  invalidWith,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  usageView,
  withSystemNote,
} from '../../ai/step-with';
import { checkAnswer, compileResponseSchema, schemaInstruction } from '../../ai/structured-output';
import { TokenBudget } from '../../ai/token-budget';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

/** Model calls one `llm` step may make: the answer, and one retry when it does not match response_schema. */
const MAX_CALLS = 2;

/**
 * `llm`: `{ connection_id?, model?, prompt | messages, system?, temperature?, max_tokens?, response_schema?, stream? }`
 * → `{ text | json, usage, model, finish_reason }`. Connection and model default to the agent's `llm`.
 * With `response_schema` the answer is parsed and validated; an invalid one is sent back once with the
 * validation errors, then the step fails with LLM_OUTPUT_INVALID.
 */
@Injectable()
export class LlmStep implements StepRunner {
  readonly type = 'llm' as const;

  constructor(private readonly models: ModelClient) {}

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    const w = ctx.with;
    const schema = optionalObject('llm', w, 'response_schema');
    let validate;
    try {
      validate = schema ? compileResponseSchema(schema) : null;
    } catch (err) {
      throw invalidWith('llm', `response_schema is not a valid JSON Schema: ${(err as Error).message}`);
    }
    const request = {
      temperature: optionalNumber('llm', w, 'temperature', 0, 2),
      maxTokens: optionalNumber('llm', w, 'max_tokens', 1, 1_000_000, true),
      ...(schema ? { responseSchema: schema } : {}),
    };
    let messages: ChatMessage[] = conversation('llm', w);
    if (schema) messages = withSystemNote(messages, schemaInstruction(schema));
    const stream = optionalBoolean('llm', w, 'stream') ?? true;
    const agent = await ctx.agent();
    const bound = await this.models.bind(
      ctx.run.workspaceId,
      optionalString('llm', w, 'connection_id', 80) ?? agent.llm?.connection_id,
      optionalString('llm', w, 'model', 200) ?? agent.llm?.model,
    );
    const budget = new TokenBudget(ctx.run.tokensUsed, agent.maxTokensPerRun);
    let usage = emptyUsage();
    try {
      for (let call = 1; ; call++) {
        budget.checkBeforeCall();
        const started = Date.now();
        const res = await this.models.chat(
          bound,
          { messages, ...request },
          ctx.signal,
          stream ? { executionId: ctx.run.id, stepId: ctx.step.id, call } : null,
        );
        usage = addUsage(usage, res.usage);
        await ctx.log(
          'info',
          `Model call ${call} (${res.model}): ${res.usage.totalTokens} tokens, ${res.finishReason} in ${Date.now() - started} ms`,
          {
            sub_step: 'model_call',
            call,
            model: res.model,
            connection_id: bound.connectionId,
            finish_reason: res.finishReason,
            usage: usageView(res.usage),
            duration_ms: Date.now() - started,
          },
        );
        budget.add(res.usage);
        const base = { usage: usageView(usage), model: res.model, finish_reason: res.finishReason };
        if (!validate) return { type: 'succeeded', output: { text: res.text, ...base }, tokensUsed: usage.totalTokens };
        const check = checkAnswer(res.text, validate);
        if (check.ok) return { type: 'succeeded', output: { json: check.value, ...base }, tokensUsed: usage.totalTokens };
        if (call >= MAX_CALLS) {
          throw aiStepError(
            AiStepErrorCode.LLM_OUTPUT_INVALID,
            `the answer does not match response_schema after a retry: ${check.problems.join('; ')}`,
            {
              output: { text: res.text, problems: check.problems, ...base },
            },
          );
        }
        await ctx.log('warn', `Answer does not match response_schema; asking again: ${check.problems.join('; ')}`, {
          sub_step: 'schema_retry',
          problems: check.problems,
        });
        messages = [
          ...messages,
          { role: 'assistant', content: res.text },
          {
            role: 'user',
            content: `That answer is not valid: ${check.problems.join('; ')}. Answer again with only the JSON, valid against the schema.`,
          },
        ];
      }
    } catch (err) {
      throw withTokens(err, usage.totalTokens);
    }
  }
}
