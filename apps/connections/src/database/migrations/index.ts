import { InitConnections1763900000000 } from './1763900000000-InitConnections';
import { ToolCalls1764000000000 } from './1764000000000-ToolCalls';

export const migrations = [InitConnections1763900000000, ToolCalls1764000000000];
