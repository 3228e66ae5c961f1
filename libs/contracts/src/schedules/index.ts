export * from './schedules.dto';
export * from './schedule-views.dto';
export * from './schedules.subjects';
