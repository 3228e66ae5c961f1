import { addUsage, ChatMessage, emptyUsage } from '@agentry/ai';
import { Inject, Injectable } from '@nestjs/common';
import { AgentToolset, parseToolRequests, ToolOutcome } from '../../ai/agent-toolset';
import { AI_STEPS_CONFIG, AiStepsConfig } from '../../ai/ai-steps.config';
import { AiStepErrorCode, aiStepError, withTokens } from '../../ai/ai-step-errors';
import { ModelClient } from '../../ai/model-client';
import { invalidWith, optionalBoolean, optionalNumber, optionalString, usageView } from '../../ai/step-with';
import { TokenBudget } from '../../ai/token-budget';
import { ToolCallTarget, ToolClient } from '../../ai/tool-client';
import { StepOutcome, StepRunContext, StepRunner } from './step-runner';

const DEFAULT_MAX_TURNS = 10;
const MAX_TURNS_LIMIT = 100;

interface TraceEntry {
  turn: number;
  name: string;
  arguments: Record<string, unknown>;
  is_error: boolean;
  duration_ms: number;
  tool_call_id: string | null;
}

/** Runs `fn` over `items`, at most `limit` at once, keeping the order of the results. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * `agent`: `{ connection_id?, model?, instructions, tools: [name | { name, connection_id }], max_turns, prompt? (default: the run input),
 * temperature?, max_tokens?, stream? }` → `{ text, turns, usage, model, tool_calls }`. The model is called; the
 * tools it asks for run (several at once when it asks for several) and their results go back, until it
 * answers without tools. After `max_turns` model calls it fails with MAX_TURNS_EXCEEDED. Every model
 * call and tool call is a sub-step in the run's log.
 */
@Injectable()
export class AgentStep implements StepRunner {
  readonly type = 'agent' as const;

  constructor(
    private readonly models: ModelClient,
    private readonly toolClient: ToolClient,
    @Inject(AI_STEPS_CONFIG) private readonly ai: AiStepsConfig,
  ) {}

  async run(ctx: StepRunContext): Promise<StepOutcome> {
    const w = ctx.with;
    const instructions = optionalString('agent', w, 'instructions');
    if (!instructions) throw invalidWith('agent', 'instructions is required');
    const maxTurns = optionalNumber('agent', w, 'max_turns', 1, MAX_TURNS_LIMIT, true) ?? DEFAULT_MAX_TURNS;
    const request = {
      temperature: optionalNumber('agent', w, 'temperature', 0, 2),
      maxTokens: optionalNumber('agent', w, 'max_tokens', 1, 1_000_000, true),
    };
    const stream = optionalBoolean('agent', w, 'stream') ?? true;
    const task = w.prompt ?? ctx.scope.input;
    const messages: ChatMessage[] = [
      { role: 'system', content: instructions },
      { role: 'user', content: typeof task === 'string' ? task : JSON.stringify(task ?? null) },
    ];
    const agent = await ctx.agent();
    const [bound, toolset] = await Promise.all([
      this.models.bind(
        ctx.run.workspaceId,
        optionalString('agent', w, 'connection_id', 80) ?? agent.llm?.connection_id,
        optionalString('agent', w, 'model', 200) ?? agent.llm?.model,
      ),
      AgentToolset.resolve(this.toolClient, ctx.run.workspaceId, parseToolRequests(w.tools)),
    ]);
    const specs = toolset.specs();
    const budget = new TokenBudget(ctx.run.tokensUsed, agent.maxTokensPerRun);
    const target: ToolCallTarget = { workspaceId: ctx.run.workspaceId, executionId: ctx.run.id, stepId: ctx.step.id };
    const trace: TraceEntry[] = [];
    let usage = emptyUsage();
    let model = bound.model;
    try {
      for (let turn = 1; turn <= maxTurns; turn++) {
        budget.checkBeforeCall();
        const started = Date.now();
        const res = await this.models.chat(
          bound,
          { messages, ...request, ...(specs.length ? { tools: specs } : {}) },
          ctx.signal,
          stream ? { executionId: ctx.run.id, stepId: ctx.step.id, call: turn } : null,
        );
        usage = addUsage(usage, res.usage);
        model = res.model;
        const asked = res.toolCalls.map((c) => c.name).join(', ');
        await ctx.log(
          'info',
          `Turn ${turn}: model ${res.model} ${asked ? `asked for ${asked}` : 'answered'} (${res.usage.totalTokens} tokens, ${Date.now() - started} ms)`,
          {
            sub_step: 'model_call',
            turn,
            model: res.model,
            finish_reason: res.finishReason,
            tool_calls: res.toolCalls.length,
            usage: usageView(res.usage),
            duration_ms: Date.now() - started,
          },
        );
        budget.add(res.usage);
        if (res.toolCalls.length === 0) {
          return {
            type: 'succeeded',
            output: { text: res.text, turns: turn, usage: usageView(usage), model, tool_calls: trace },
            tokensUsed: usage.totalTokens,
          };
        }
        messages.push({ role: 'assistant', content: res.text || null, toolCalls: res.toolCalls });
        const outcomes = await mapLimit(res.toolCalls, this.ai.AGENT_TOOL_CONCURRENCY, (call) =>
          toolset.run(this.toolClient, target, call),
        );
        for (const o of outcomes) {
          messages.push({ role: 'tool', toolCallId: o.call.id, name: o.call.name, content: o.content, isError: o.isError });
          trace.push({
            turn,
            name: o.tool,
            arguments: o.call.arguments,
            is_error: o.isError,
            duration_ms: o.durationMs,
            tool_call_id: o.toolCallId,
          });
          await this.logTool(ctx, turn, o);
        }
      }
    } catch (err) {
      throw withTokens(err, usage.totalTokens);
    }
    throw aiStepError(
      AiStepErrorCode.MAX_TURNS_EXCEEDED,
      `the agent did not finish within max_turns (${maxTurns}): the model still asked for tools`,
      {
        output: { turns: maxTurns, usage: usageView(usage), model, tool_calls: trace },
        tokensUsed: usage.totalTokens,
      },
    );
  }

  private logTool(ctx: StepRunContext, turn: number, o: ToolOutcome): Promise<void> {
    return ctx.log(
      o.isError ? 'warn' : 'info',
      `Turn ${turn}: tool ${o.tool} ${o.isError ? 'reported an error' : 'succeeded'} in ${o.durationMs} ms`,
      {
        sub_step: 'tool_call',
        turn,
        tool: o.tool,
        tool_call_id: o.toolCallId,
        is_error: o.isError,
        duration_ms: o.durationMs,
      },
    );
  }
}
