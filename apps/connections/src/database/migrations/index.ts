import { InitConnections1763900000000 } from './1763900000000-InitConnections';

export const migrations = [InitConnections1763900000000];
