import { ApprovalsController } from '../approvals/approvals.controller';
import { HooksController } from '../hooks/hooks.controller';
import { ExecutionStreamController } from './execution-stream.controller';
import { ExecutionsController } from './executions.controller';

/** The gateway's routes for runs, approvals and inbound hooks (registered in app.module.ts). */
export const EXECUTIONS_CONTROLLERS = [ExecutionsController, ExecutionStreamController, ApprovalsController, HooksController];
