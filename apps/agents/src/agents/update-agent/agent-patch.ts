import type { AgentLlmDefaultsDto, UpdateAgentRequest } from '@agentry/contracts';
import type { AgentEntity } from '../agent.entity';
import { canonicalJson, sameJson } from '../definition/canonical-json';

/** Fields a PATCH may set to null to clear them; null for any other field is an error. */
const NULLABLE = new Set(['description', 'llm', 'max_tokens_per_run']);

export interface PatchOutcome {
  /** Anything the agent shows changed: write, bump updated_at, publish. */
  changed: boolean;
  /** The definition differs (ignoring key order): a new version. */
  definitionChanged: boolean;
  /** The definition must be validated again (it changed, or the LLM defaults it may rely on did). */
  revalidate: boolean;
  slugChanged: boolean;
}

/** Fields of the patch that are null but may not be cleared. */
export function nullFieldsIn(patch: UpdateAgentRequest): string[] {
  return Object.entries(patch)
    .filter(([key, value]) => value === null && !NULLABLE.has(key))
    .map(([key]) => key);
}

/**
 * Applies a PATCH to the entity in place. Absent fields stay as they are; `llm` is merged key by key
 * (a null member removes that default); `definition` is replaced as a whole.
 */
export function applyAgentPatch(agent: AgentEntity, patch: UpdateAgentRequest): PatchOutcome {
  const before = canonicalJson(editable(agent));
  const slugBefore = agent.slug;
  const llmBefore = canonicalJson(agent.llm);
  if (patch.name !== undefined) agent.name = patch.name;
  if (patch.slug !== undefined) agent.slug = patch.slug;
  if (patch.description !== undefined) agent.description = patch.description;
  if (patch.tags !== undefined) agent.tags = patch.tags;
  if (patch.max_concurrency !== undefined) agent.maxConcurrency = patch.max_concurrency;
  if (patch.max_tokens_per_run !== undefined) agent.maxTokensPerRun = patch.max_tokens_per_run;
  if (patch.llm !== undefined) agent.llm = mergeLlm(agent.llm, patch.llm);
  const definitionChanged = patch.definition !== undefined && !sameJson(patch.definition, agent.definition);
  if (definitionChanged) agent.definition = patch.definition!;
  return {
    changed: definitionChanged || canonicalJson(editable(agent)) !== before,
    definitionChanged,
    revalidate: definitionChanged || canonicalJson(agent.llm) !== llmBefore,
    slugChanged: agent.slug !== slugBefore,
  };
}

export function mergeLlm(current: AgentLlmDefaultsDto | null, patch: AgentLlmDefaultsDto | null): AgentLlmDefaultsDto | null {
  if (patch === null) return null;
  const merged: Record<string, unknown> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? (merged as AgentLlmDefaultsDto) : null;
}

function editable(a: AgentEntity) {
  return [a.name, a.slug, a.description, a.tags, a.maxConcurrency, a.maxTokensPerRun, a.llm];
}
