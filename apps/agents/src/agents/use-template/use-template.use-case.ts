import { AgentView, CreateAgentRequest, RpcContext, UseTemplateMessage } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { AgentsError } from '../agents.errors';
import { CreateAgentUseCase } from '../create-agent/create-agent.use-case';
import { mergeLlm } from '../update-agent/agent-patch';
import { findTemplate } from '../templates/template-registry';

/**
 * Creates an agent from a template: its name (or the caller's), its definition and LLM defaults
 * (with the caller's `llm` merged over them). Slug rules are create's: a given slug must be free,
 * a derived one gets a numeric suffix.
 */
@Injectable()
export class UseTemplateUseCase {
  constructor(private readonly createAgent: CreateAgentUseCase) {}

  execute(ctx: RpcContext, msg: UseTemplateMessage): Promise<AgentView> {
    const template = findTemplate(msg.template_id);
    if (!template) throw AgentsError.templateNotFound(msg.template_id);
    const llm = mergeLlm(template.llm ?? null, msg.llm ?? {});
    const req: CreateAgentRequest = {
      name: msg.name ?? template.name,
      slug: msg.slug,
      description: template.description,
      tags: [...template.tags],
      // Templates are shared constants; the new agent gets its own copy.
      definition: structuredClone(template.definition),
      ...(llm ? { llm } : {}),
    };
    return this.createAgent.execute(ctx, req);
  }
}
