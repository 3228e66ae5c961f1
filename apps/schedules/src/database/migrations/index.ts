import { InitSchedules1763900000000 } from './1763900000000-InitSchedules';
import { CreateSchedules1764000000000 } from './1764000000000-CreateSchedules';

export const migrations = [InitSchedules1763900000000, CreateSchedules1764000000000];
