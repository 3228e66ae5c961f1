import { WebhookEventTypeView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { eventTypeViews } from './event-types';

@Injectable()
export class ListEventTypesUseCase {
  execute(): { data: WebhookEventTypeView[] } {
    return { data: eventTypeViews() };
  }
}
