import { ExecutionProgressMessage, progressSubject } from '@agentry/contracts';
import { NATS, NatsHandles } from '@agentry/common';
import { Inject, Injectable } from '@nestjs/common';

/** Live progress on core NATS after each commit; readers (SSE, sync waiters) subscribe per run. */
@Injectable()
export class ProgressPublisher {
  constructor(@Inject(NATS) private readonly nats: NatsHandles) {}

  publish(messages: ExecutionProgressMessage[]): void {
    if (this.nats.nc.isClosed()) return;
    for (const m of messages) this.nats.nc.publish(progressSubject(m.execution_id), JSON.stringify(m));
  }
}
