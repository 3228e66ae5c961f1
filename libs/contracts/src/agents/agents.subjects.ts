import type { Page } from '../pagination';
import type { AgentEventData, AgentTemplateView, AgentVersionView, AgentView, CreateAgentRequest, ListAgentsQuery } from './agents.dto';
import type { AgentRef, AgentVersionsQuery, UpdateAgentMessage, UseTemplateMessage } from './agents.dto';

export const AgentsRpc = {
  create: 'agents.create',
  list: 'agents.list',
  get: 'agents.get',
  update: 'agents.update',
  delete: 'agents.delete',
  pause: 'agents.pause',
  resume: 'agents.resume',
  versions: 'agents.versions',
  listTemplates: 'agents.templates.list',
  useTemplate: 'agents.templates.use',
} as const;

export interface AgentsRpcMap {
  'agents.create': { req: CreateAgentRequest; res: AgentView };
  'agents.list': { req: ListAgentsQuery; res: Page<AgentView> };
  'agents.get': { req: AgentRef; res: AgentView };
  'agents.update': { req: UpdateAgentMessage; res: AgentView };
  'agents.delete': { req: AgentRef; res: { id: string; deleted: true } };
  'agents.pause': { req: AgentRef; res: AgentView };
  'agents.resume': { req: AgentRef; res: AgentView };
  'agents.versions': { req: AgentVersionsQuery; res: Page<AgentVersionView> };
  'agents.templates.list': { req: Record<string, never>; res: { data: AgentTemplateView[] } };
  'agents.templates.use': { req: UseTemplateMessage; res: AgentView };
}

export const AgentsEvents = {
  created: 'agentry.agents.created',
  updated: 'agentry.agents.updated',
  deleted: 'agentry.agents.deleted',
} as const;

export interface AgentsEventMap {
  'agentry.agents.created': AgentEventData;
  'agentry.agents.updated': AgentEventData;
  'agentry.agents.deleted': AgentEventData;
}
