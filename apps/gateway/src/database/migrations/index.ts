import { InitGateway1763900000000 } from './1763900000000-InitGateway';

export const migrations = [InitGateway1763900000000];
