import { InitSchedules1763900000000 } from './1763900000000-InitSchedules';
import { CreateSchedules1764000000000 } from './1764000000000-CreateSchedules';
import { AddSchedulePlan1764000000001 } from './1764000000001-AddSchedulePlan';

export const migrations = [InitSchedules1763900000000, CreateSchedules1764000000000, AddSchedulePlan1764000000001];
