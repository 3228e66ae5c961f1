import { InitGateway1763900000000 } from './1763900000000-InitGateway';
import { BootstrapKeyMarker1764100000000 } from './1764100000000-BootstrapKeyMarker';
import { IdempotencyLease1764100000001 } from './1764100000001-IdempotencyLease';

export const migrations = [InitGateway1763900000000, BootstrapKeyMarker1764100000000, IdempotencyLease1764100000001];
