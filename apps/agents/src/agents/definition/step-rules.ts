import type { AgentLlmDefaultsDto, StepType } from '@agentry/contracts';
import { JsonSchemaChecker } from './json-schema-checker';
import { hasTemplate, parseTemplate } from '@agentry/common';

/** A problem inside one step's `with`: `key` is the path below `with` (`headers.authorization`). */
export interface WithIssue {
  key: string;
  reason: string;
}

export interface StepRuleContext {
  llm?: AgentLlmDefaultsDto | null;
  schemas: JsonSchemaChecker;
}

/** Returns a reason when the value is wrong, null when it is fine. */
type Check = (value: unknown) => string | null;

interface FieldRule {
  required?: boolean;
  check: Check;
}

interface StepRule {
  fields: Record<string, FieldRule>;
  /** Rules that span fields (one of, defaults from the agent). */
  extra?: (w: Record<string, unknown>, ctx: StepRuleContext) => WithIssue[];
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const MESSAGE_ROLES = ['system', 'user', 'assistant'];
const MAX_TIMEOUT_MS = 86_400_000;

/** A string that is exactly `{{ expr }}` may evaluate to any type, so its type is known only at run time. */
export function isDynamic(value: unknown): boolean {
  if (typeof value !== 'string' || !hasTemplate(value)) return false;
  try {
    return parseTemplate(value).exact;
  } catch {
    return true; // the template walk reports the syntax error
  }
}

const nonEmpty: Check = (v) => (typeof v !== 'string' ? 'must be a string' : v.trim() === '' ? 'must not be empty' : null);
const any: Check = () => null;
const dyn =
  (check: Check): Check =>
  (v) =>
    isDynamic(v) ? null : check(v);
const int = (min: number, max: number): Check =>
  dyn((v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `must be an integer from ${min} to ${max}`));
const num = (min: number, max: number): Check =>
  dyn((v) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? null : `must be a number from ${min} to ${max}`));
const object: Check = dyn((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'must be an object'));
const connectionId: Check = (v) => {
  if (typeof v !== 'string') return 'must be a string';
  return hasTemplate(v) || /^con_[0-9A-Za-z]{1,40}$/.test(v) ? null : 'must be a connection id (con_…) or a {{ expression }}';
};
const method: Check = (v) => {
  if (typeof v !== 'string') return 'must be a string';
  return hasTemplate(v) || HTTP_METHODS.includes(v.toUpperCase()) ? null : `must be one of ${HTTP_METHODS.join(', ')}`;
};
const url: Check = (v) => {
  if (typeof v !== 'string') return 'must be a string';
  if (v.startsWith('{{')) return null;
  if (!/^https?:\/\//i.test(v)) return 'must be an absolute http(s) URL or start with a {{ expression }}';
  if (hasTemplate(v)) return null;
  try {
    new URL(v);
    return null;
  } catch {
    return 'must be a valid URL';
  }
};
const headers: Check = dyn((v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object of header names to strings';
  const bad = Object.entries(v).find(([, h]) => typeof h !== 'string');
  return bad ? `header "${bad[0]}" must be a string` : null;
});
const isoTime: Check = (v) => {
  if (typeof v !== 'string') return 'must be an ISO 8601 time or a {{ expression }}';
  return hasTemplate(v) || (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)))
    ? null
    : 'must be an ISO 8601 time (2026-01-31T09:00:00Z)';
};
const toolRef = (t: unknown) =>
  (typeof t === 'string' && t.trim() !== '') ||
  (typeof t === 'object' &&
    t !== null &&
    typeof (t as { name?: unknown }).name === 'string' &&
    connectionId((t as { connection_id?: unknown }).connection_id ?? 'con_x') === null);
const toolNames: Check = dyn((v) =>
  Array.isArray(v) && v.every(toolRef) ? null : 'must be an array of tool names (or { name, connection_id })',
);
const bool: Check = dyn((v) => (typeof v === 'boolean' ? null : 'must be true or false'));
const messages: Check = dyn((v) => {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty array of { role, content }';
  for (const [i, m] of v.entries()) {
    if (isDynamic(m)) continue;
    const msg = m as { role?: unknown; content?: unknown };
    if (typeof m !== 'object' || m === null) return `[${i}] must be an object { role, content }`;
    if (!MESSAGE_ROLES.includes(msg.role as string) && !isDynamic(msg.role))
      return `[${i}].role must be one of ${MESSAGE_ROLES.join(', ')}`;
    if (typeof msg.content !== 'string' && !Array.isArray(msg.content)) return `[${i}].content must be a string`;
    const extra = Object.keys(msg).find((k) => k !== 'role' && k !== 'content' && k !== 'name');
    if (extra) return `[${i}].${extra} is an unknown field`;
  }
  return null;
});

const MAX_APPROVERS = 20;
const MAX_APPROVER_LENGTH = 100;

function approverIssue(a: unknown): string | null {
  if (typeof a !== 'string') return 'must be a string';
  if (a.length < 1 || a.length > MAX_APPROVER_LENGTH) return `must be 1 to ${MAX_APPROVER_LENGTH} characters`;
  if (a.trim() !== a || /[\u0000-\u001f\u007f]/.test(a)) return 'must not have control characters or surrounding spaces';
  if (hasTemplate(a)) return 'must be a literal name, not a {{ expression }}';
  // API-key approvers are `key_…` and unnamed links `link:…`: a named approver must not pass for either.
  if (/^(key_|link:)/i.test(a)) return 'must not start with key_ or link: (reserved)';
  return null;
}

/**
 * `approvers` of an approval step: names (e-mail addresses, user handles) that each get their own signed
 * links, which record them as the approver. Literal only: the links are made from the definition.
 */
const approvers: Check = (v) => {
  if (isDynamic(v)) return 'must be a literal array of names: approver links are made from the definition, not from {{ expressions }}';
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_APPROVERS) return `must be an array of 1 to ${MAX_APPROVERS} approver names`;
  const seen = new Set<string>();
  for (const [i, a] of v.entries()) {
    const reason = approverIssue(a);
    if (reason) return `[${i}] ${reason}`;
    if (seen.has((a as string).toLowerCase())) return `[${i}] "${a as string}" is named twice`;
    seen.add((a as string).toLowerCase());
  }
  return null;
};

function required(w: Record<string, unknown>, key: string, reason: string): WithIssue[] {
  return w[key] === undefined ? [{ key, reason }] : [];
}

function model(w: Record<string, unknown>, ctx: StepRuleContext): WithIssue[] {
  return ctx.llm?.model ? [] : required(w, 'model', 'required (or set llm.model on the agent)');
}

function responseSchema(w: Record<string, unknown>, ctx: StepRuleContext): WithIssue[] {
  const schema = w.response_schema;
  if (schema === undefined || isDynamic(schema) || typeof schema !== 'object') return [];
  return ctx.schemas.check(schema).map((p) => ({ key: p.path ? `response_schema.${p.path}` : 'response_schema', reason: p.reason }));
}

function exactlyOne(w: Record<string, unknown>, a: string, b: string): WithIssue[] {
  if (w[a] !== undefined && w[b] !== undefined) return [{ key: b, reason: `give either ${a} or ${b}, not both` }];
  if (w[a] === undefined && w[b] === undefined) return [{ key: a, reason: `required (or ${b})` }];
  return [];
}

/** What each step type accepts in `with` (SPEC §3 step table). Unknown fields are rejected: they are typos. */
export const STEP_RULES: Record<StepType, StepRule> = {
  transform: {
    fields: { expression: { required: true, check: nonEmpty } },
  },
  http: {
    fields: {
      method: { required: true, check: method },
      url: { required: true, check: url },
      headers: { check: headers },
      body: { check: any },
      connection_id: { check: connectionId },
      timeout_ms: { check: int(1, 300_000) },
    },
  },
  llm: {
    fields: {
      connection_id: { check: connectionId },
      model: { check: nonEmpty },
      prompt: { check: nonEmpty },
      messages: { check: messages },
      temperature: { check: num(0, 2) },
      max_tokens: { check: int(1, 1_000_000) },
      response_schema: { check: object },
      system: { check: nonEmpty },
      stream: { check: bool },
    },
    extra: (w, ctx) => [...model(w, ctx), ...exactlyOne(w, 'prompt', 'messages'), ...responseSchema(w, ctx)],
  },
  agent: {
    fields: {
      connection_id: { check: connectionId },
      model: { check: nonEmpty },
      instructions: { required: true, check: nonEmpty },
      tools: { required: true, check: toolNames },
      max_turns: { required: true, check: int(1, 100) },
      prompt: { check: any },
      temperature: { check: num(0, 2) },
      max_tokens: { check: int(1, 1_000_000) },
      stream: { check: bool },
    },
    extra: (w, ctx) => model(w, ctx),
  },
  tool: {
    fields: {
      name: { required: true, check: nonEmpty },
      arguments: { required: true, check: object },
      connection_id: { check: connectionId },
      timeout_ms: { check: int(100, 120_000) },
    },
  },
  approval: {
    fields: {
      message: { required: true, check: nonEmpty },
      timeout_ms: { check: int(1, 30 * MAX_TIMEOUT_MS) },
      approvals_required: { check: int(1, 20) },
      approvers: { check: approvers },
    },
  },
  delay: {
    fields: {
      ms: { check: int(0, 30 * MAX_TIMEOUT_MS) },
      until: { check: isoTime },
    },
    extra: (w) => exactlyOne(w, 'ms', 'until'),
  },
  stop: {
    fields: { output: { required: true, check: any } },
  },
};

/** Checks one step's `with` against its type's rule. */
export function checkStepWith(type: StepType, w: Record<string, unknown>, ctx: StepRuleContext): WithIssue[] {
  const rule = STEP_RULES[type];
  const issues: WithIssue[] = [];
  for (const key of Object.keys(w)) {
    if (!(key in rule.fields)) issues.push({ key, reason: `unknown field for a ${type} step` });
  }
  for (const [key, field] of Object.entries(rule.fields)) {
    const value = w[key];
    if (value === undefined) {
      if (field.required) issues.push({ key, reason: 'required' });
      continue;
    }
    const reason = field.check(value);
    if (reason) issues.push({ key, reason });
  }
  issues.push(...(rule.extra?.(w, ctx) ?? []));
  return issues;
}
