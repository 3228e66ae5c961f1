import { loadConfig } from '@agentry/common';
import { Module } from '@nestjs/common';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { AI_STEPS_CONFIG, AiStepsConfig } from './ai-steps.config';
import { AuthFailureReporter } from './auth-failure-reporter';
import { ModelClient } from './model-client';
import { ToolClient } from './tool-client';

/** What the `llm`, `agent` and `tool` steps need: models (via connections.resolve), tools (via tools.call), and auth-failure reporting (the `http` step's too). */
@Module({
  providers: [
    { provide: AI_STEPS_CONFIG, useFactory: () => loadConfig(AiStepsConfig) },
    ServiceRpcClient,
    AuthFailureReporter,
    ModelClient,
    ToolClient,
  ],
  exports: [AI_STEPS_CONFIG, ModelClient, ToolClient, AuthFailureReporter],
})
export class AiModule {}
