import { ToolCall, ToolSpec } from '@agentry/ai';
import { ErrorCode, ToolView } from '@agentry/contracts';
import { AppError } from '@agentry/common';
import { StepErrorCode } from '../engine/steps/step-error';
import { aiStepError } from './ai-step-errors';
import { invalidWith } from './step-with';
import { isFatalToolError, ToolCallTarget, ToolClient } from './tool-client';

export interface ToolRequest {
  name: string;
  connectionId?: string;
}

export interface AgentTool {
  /** The catalog name (`slack.post_message`). */
  name: string;
  /** The name the model sees: providers allow only `[a-zA-Z0-9_-]{1,64}` (`slack__post_message`). */
  modelName: string;
  connectionId: string | null;
  view: ToolView;
}

export interface ToolOutcome {
  call: ToolCall;
  tool: string;
  content: string;
  isError: boolean;
  durationMs: number;
  toolCallId: string | null;
}

/** Longest tool result sent back to the model, in characters. */
const MAX_RESULT_CHARS = 20_000;

/** `tools` of an agent step: names, or `{ name, connection_id }` where several connections provide one. */
export function parseToolRequests(raw: unknown): ToolRequest[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length > 64) throw invalidWith('agent', 'tools must be an array of tool names (at most 64)');
  return raw.map((t: unknown, i) => {
    if (typeof t === 'string' && t) return { name: t };
    const o = t as { name?: unknown; connection_id?: unknown };
    if (o && typeof o === 'object' && typeof o.name === 'string') {
      return { name: o.name, ...(typeof o.connection_id === 'string' ? { connectionId: o.connection_id } : {}) };
    }
    throw invalidWith('agent', `tools[${i}] must be a tool name or { name, connection_id }`);
  });
}

function modelNameOf(name: string, taken: Set<string>): string {
  const base = name
    .replace(/\./g, '__')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 60);
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
  taken.add(candidate);
  return candidate;
}

/**
 * The tools an agent may use, checked against the workspace's catalog before the first model call:
 * a tool no active connection provides fails the step (424-style), an unknown one is bad input.
 */
export class AgentToolset {
  private readonly byModelName: Map<string, AgentTool>;

  private constructor(readonly tools: AgentTool[]) {
    this.byModelName = new Map(tools.map((t) => [t.modelName, t]));
  }

  static async resolve(client: ToolClient, workspaceId: string, requests: ToolRequest[]): Promise<AgentToolset> {
    if (requests.length === 0) return new AgentToolset([]);
    const catalog = await client.catalog(workspaceId, true);
    const taken = new Set<string>();
    const tools = requests.map((req): AgentTool => {
      const matches = catalog.filter((t) => t.name === req.name && (!req.connectionId || t.connection_id === req.connectionId));
      const available = matches.filter((t) => t.available);
      if (available.length === 0) {
        if (matches.length > 0 || (req.connectionId && catalog.some((t) => t.name === req.name))) {
          throw aiStepError(
            StepErrorCode.INTEGRATION_NOT_CONNECTED,
            `tool ${req.name} needs an active ${matches[0]?.platform ?? ''} connection${req.connectionId ? ` (${req.connectionId})` : ''}`.replace(
              '  ',
              ' ',
            ),
          );
        }
        if (req.name.startsWith('mcp.') && !catalog.some((t) => t.source === 'mcp')) {
          throw aiStepError(StepErrorCode.INTEGRATION_NOT_CONNECTED, `tool ${req.name} needs an MCP server connection; none is active`);
        }
        throw invalidWith('agent', `unknown tool "${req.name}" (see GET /v1/tools)`);
      }
      if (available.length > 1) {
        throw invalidWith(
          'agent',
          `several connections provide ${req.name}; name one: { "name": "${req.name}", "connection_id": "${available[0].connection_id}" }`,
        );
      }
      const view = available[0];
      return { name: view.name, modelName: modelNameOf(view.name, taken), connectionId: view.connection_id, view };
    });
    return new AgentToolset(tools);
  }

  specs(): ToolSpec[] {
    return this.tools.map((t) => ({ name: t.modelName, description: t.view.description.slice(0, 1024), parameters: t.view.input_schema }));
  }

  /**
   * Runs one call the model asked for. What the model can act on (unknown tool, invalid arguments, a
   * tool error, a platform outage) goes back to it as an error result; a fault of the cluster fails the step.
   */
  async run(client: ToolClient, target: ToolCallTarget, call: ToolCall): Promise<ToolOutcome> {
    const started = Date.now();
    const tool = this.byModelName.get(call.name);
    const done = (content: string, isError: boolean, toolCallId: string | null = null): ToolOutcome => ({
      call,
      tool: tool?.name ?? call.name,
      content: content.length > MAX_RESULT_CHARS ? `${content.slice(0, MAX_RESULT_CHARS)}… [truncated]` : content,
      isError,
      durationMs: Date.now() - started,
      toolCallId,
    });
    if (!tool) return done(`Error: there is no tool named ${call.name}. Use one of: ${[...this.byModelName.keys()].join(', ')}`, true);
    if (call.argumentsError) return done(`Error: ${call.argumentsError}`, true);
    try {
      const view = await client.call(target, {
        name: tool.name,
        arguments: call.arguments,
        ...(tool.connectionId ? { connectionId: tool.connectionId } : {}),
      });
      return done(typeof view.output === 'string' ? view.output : JSON.stringify(view.output ?? null), view.is_error, view.id);
    } catch (err) {
      if (isFatalToolError(err)) {
        throw aiStepError(StepErrorCode.STEP_FAILED, `tool ${tool.name} could not be called: ${(err as Error).message}`, {
          retryable: true,
        });
      }
      const e = err as AppError;
      const details = e.details?.length ? ` (${e.details.map((d) => `${d.field}: ${d.reason}`).join('; ')})` : '';
      const hint = e.code === ErrorCode.EXECUTION_FAILED ? ' It may work if you try again later.' : '';
      return done(`Error ${e.code}: ${e.message}${details}.${hint}`, true);
    }
  }
}
