import { ChatMessage } from '@agentry/ai';
import { StepErrorCode } from '../engine/steps/step-error';
import { aiStepError } from './ai-step-errors';

type With = Record<string, unknown>;

/** A StepError for a `with` that is not what the step type takes. */
export function invalidWith(type: string, message: string) {
  return aiStepError(StepErrorCode.INVALID_STEP_INPUT, `${type}: ${message}`);
}

export function optionalString(type: string, w: With, key: string, max = 100_000): string | undefined {
  const v = w[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    throw invalidWith(type, `${key} must be a non-empty string of at most ${max} characters`);
  return v;
}

export function optionalNumber(type: string, w: With, key: string, min: number, max: number, integer = false): number | undefined {
  const v = w[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw invalidWith(type, `${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}

export function optionalBoolean(type: string, w: With, key: string): boolean | undefined {
  const v = w[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidWith(type, `${key} must be true or false`);
  return v;
}

export function optionalObject(type: string, w: With, key: string): Record<string, unknown> | undefined {
  const v = w[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidWith(type, `${key} must be an object`);
  return v as Record<string, unknown>;
}

const ROLES = ['system', 'user', 'assistant'];

/** `messages` (`[{ role, content }]`) and/or `prompt` (one more user message), with an optional `system`. */
export function conversation(type: string, w: With): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = optionalString(type, w, 'system');
  if (system) out.push({ role: 'system', content: system });
  if (w.messages !== undefined && w.messages !== null) {
    if (!Array.isArray(w.messages) || w.messages.length > 500)
      throw invalidWith(type, 'messages must be an array of { role, content } (at most 500)');
    w.messages.forEach((m: unknown, i) => {
      const msg = m as { role?: unknown; content?: unknown };
      if (!msg || typeof msg !== 'object' || !ROLES.includes(String(msg.role)))
        throw invalidWith(type, `messages[${i}].role must be one of ${ROLES.join(', ')}`);
      const content =
        typeof msg.content === 'string'
          ? msg.content
          : msg.content === undefined || msg.content === null
            ? ''
            : JSON.stringify(msg.content);
      out.push({ role: msg.role as 'user', content });
    });
  }
  const prompt = w.prompt;
  if (prompt !== undefined && prompt !== null)
    out.push({ role: 'user', content: typeof prompt === 'string' ? prompt : JSON.stringify(prompt) });
  if (!out.some((m) => m.role === 'user')) throw invalidWith(type, 'give a prompt, or messages with at least one user message');
  return out;
}

/** Puts an instruction into the system message (adding one when there is none). */
export function withSystemNote(messages: ChatMessage[], note: string): ChatMessage[] {
  const i = messages.findIndex((m) => m.role === 'system');
  if (i < 0) return [{ role: 'system', content: note }, ...messages];
  return messages.map((m, j) => (j === i ? { role: 'system', content: `${m.content as string}\n\n${note}` } : m));
}

export function usageView(u: { inputTokens: number; outputTokens: number; totalTokens: number }) {
  return { input_tokens: u.inputTokens, output_tokens: u.outputTokens, total_tokens: u.totalTokens };
}
