import { InitSchedules1763900000000 } from './1763900000000-InitSchedules';

export const migrations = [InitSchedules1763900000000];
