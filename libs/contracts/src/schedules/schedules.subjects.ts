import type { Page } from '../pagination';
import type { BackfillResultView, ScheduleFiredEventData, ScheduleFireView, SchedulePreviewView, ScheduleView } from './schedule-views.dto';
import type {
  BackfillScheduleMessage,
  CreateScheduleRequest,
  ListScheduleFiresMessage,
  ListSchedulesQuery,
  PauseScheduleMessage,
  PreviewScheduleMessage,
  RunScheduleMessage,
  ScheduleRef,
  UpdateScheduleMessage,
} from './schedules.dto';

export const SchedulesRpc = {
  create: 'schedules.create',
  list: 'schedules.list',
  get: 'schedules.get',
  update: 'schedules.update',
  delete: 'schedules.delete',
  pause: 'schedules.pause',
  resume: 'schedules.resume',
  run: 'schedules.run',
  backfill: 'schedules.backfill',
  preview: 'schedules.preview',
  fires: 'schedules.fires',
} as const;

/** The schedules service's request/reply subjects. */
export interface SchedulesRpcMap {
  'schedules.create': { req: CreateScheduleRequest; res: ScheduleView };
  'schedules.list': { req: ListSchedulesQuery; res: Page<ScheduleView> };
  'schedules.get': { req: ScheduleRef; res: ScheduleView };
  'schedules.update': { req: UpdateScheduleMessage; res: ScheduleView };
  'schedules.delete': { req: ScheduleRef; res: { id: string; deleted: true } };
  'schedules.pause': { req: PauseScheduleMessage; res: ScheduleView };
  'schedules.resume': { req: ScheduleRef; res: ScheduleView };
  'schedules.run': { req: RunScheduleMessage; res: ScheduleFireView };
  'schedules.backfill': { req: BackfillScheduleMessage; res: BackfillResultView };
  'schedules.preview': { req: PreviewScheduleMessage; res: SchedulePreviewView };
  'schedules.fires': { req: ListScheduleFiresMessage; res: Page<ScheduleFireView> };
}

export const SchedulesEvents = {
  fired: 'agentry.schedules.fired',
} as const;

export interface SchedulesEventMap {
  'agentry.schedules.fired': ScheduleFiredEventData;
}
