import type { AgentDefinitionDto, AgentLlmDefaultsDto, AgentTemplateView } from '@agentry/contracts';

/**
 * A ready-made agent. LLM steps leave out `connection_id` and `model`: they come from the agent's `llm`
 * defaults (set when the template is used, or later with PATCH). Other connections are run inputs
 * (`{{ input.slack_connection_id }}`) or, where the input is a third party's webhook body, a `config`
 * step the user fills in.
 */
export interface AgentTemplate {
  /** Stable, URL-safe; also the default slug of agents made from it. */
  id: string;
  name: string;
  description: string;
  tags: string[];
  llm?: AgentLlmDefaultsDto;
  definition: AgentDefinitionDto;
}

export function toTemplateView(t: AgentTemplate): AgentTemplateView {
  return { id: t.id, name: t.name, description: t.description, tags: t.tags, ...(t.llm ? { llm: t.llm } : {}), definition: t.definition };
}
