import { InitWebhooks1763900000000 } from './1763900000000-InitWebhooks';

export const migrations = [InitWebhooks1763900000000];
