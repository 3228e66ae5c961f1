import { loadConfig } from '@agentry/common';
import { Module } from '@nestjs/common';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { AiRunRepository } from './ai-run.repository';
import { AI_STEPS_CONFIG, AiStepsConfig } from './ai-steps.config';
import { ModelClient } from './model-client';
import { ToolClient } from './tool-client';

/** What the `llm`, `agent` and `tool` steps need: models (via connections.resolve), tools (via tools.call), run bookkeeping. */
@Module({
  providers: [
    { provide: AI_STEPS_CONFIG, useFactory: () => loadConfig(AiStepsConfig) },
    ServiceRpcClient,
    AiRunRepository,
    ModelClient,
    ToolClient,
  ],
  exports: [AI_STEPS_CONFIG, AiRunRepository, ModelClient, ToolClient],
})
export class AiModule {}
