import { InitAgents1763900000000 } from './1763900000000-InitAgents';

export const migrations = [InitAgents1763900000000];
