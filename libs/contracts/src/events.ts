import { IsDateString, IsInt, IsObject, IsString, Matches, Min } from 'class-validator';

/** JetStream stream holding every domain event. */
export const EVENTS_STREAM = 'AGENTRY_EVENTS';
/** Subjects are `agentry.<service>.<event>`. */
export const EVENTS_SUBJECT_PREFIX = 'agentry';

/** The envelope of every domain event on `agentry.<service>.<event>`. */
export class EventEnvelope<T = unknown> {
  @IsString()
  @Matches(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/)
  id: string;

  @IsString()
  type: string;

  @IsInt()
  @Min(1)
  version: number;

  @IsDateString()
  occurred_at: string;

  @IsString()
  workspace_id: string;

  @IsObject()
  data: T;
}
