import { InitAgents1763900000000 } from './1763900000000-InitAgents';
import { AgentHooks1763960000000 } from './1763960000000-AgentHooks';

export const migrations = [InitAgents1763900000000, AgentHooks1763960000000];
