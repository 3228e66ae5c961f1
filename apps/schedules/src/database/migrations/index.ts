import { InitSchedules1763900000000 } from './1763900000000-InitSchedules';
import { CreateSchedules1764000000000 } from './1764000000000-CreateSchedules';
import { AddSchedulePlan1764000000001 } from './1764000000001-AddSchedulePlan';
import { LeanerHotPath1764000000002 } from './1764000000002-LeanerHotPath';
import { FireRetention1764000000003 } from './1764000000003-FireRetention';

export const migrations = [
  InitSchedules1763900000000,
  CreateSchedules1764000000000,
  AddSchedulePlan1764000000001,
  LeanerHotPath1764000000002,
  FireRetention1764000000003,
];
