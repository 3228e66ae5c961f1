import type { AgentRef } from '../agents/agents.dto';
import type { HookView, ResolvedHook, ResolveHookRequest } from './hooks.dto';

/** Inbound hooks belong to the agents service (SPEC §1). */
export const HooksRpc = {
  get: 'agents.hooks.get',
  rotate: 'agents.hooks.rotate',
  /** Gateway only, with ctx.workspace_id '*': the hook id is all it knows before authenticating. */
  resolve: 'agents.hooks.resolve',
} as const;

export interface HooksRpcMap {
  'agents.hooks.get': { req: AgentRef; res: HookView };
  'agents.hooks.rotate': { req: AgentRef; res: HookView };
  'agents.hooks.resolve': { req: ResolveHookRequest; res: ResolvedHook };
}
