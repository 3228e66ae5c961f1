import { InitExecutions1763950000000 } from './1763950000000-InitExecutions';
import { ClaimsWithoutFsync1763970000000 } from './1763970000000-ClaimsWithoutFsync';

export const migrations = [InitExecutions1763950000000, ClaimsWithoutFsync1763970000000];
