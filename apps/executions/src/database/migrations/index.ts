import { InitExecutions1763950000000 } from './1763950000000-InitExecutions';

export const migrations = [InitExecutions1763950000000];
