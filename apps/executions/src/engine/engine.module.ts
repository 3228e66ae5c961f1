import { Module } from '@nestjs/common';
import { AgentCatalog } from '../catalog/agent-catalog';
import { AgentCatalogRepository } from '../catalog/agent-catalog.repository';
import { AgentsEventsConsumer } from '../catalog/agents-events.consumer';
import { ServiceRpcClient } from '../rpc/service-rpc.client';
import { ApprovalsStore } from './approvals-store';
import { DefinitionCache } from './definition/definition-cache';
import { ConnectionCredentials } from './http/connection-credentials';
import { ProgressPublisher } from './progress-publisher';
import { RunExecutor } from './run-executor';
import { RunStore } from './run-store';
import { RunWaiters } from './run-waiters';
import { ApprovalStep } from './steps/approval.step';
import { DelayStep } from './steps/delay.step';
import { HttpStep } from './steps/http.step';
import { StopStep } from './steps/stop.step';
import { STEP_RUNNERS, StepRunner } from './steps/step-runner';
import { TransformStep } from './steps/transform.step';
import { Worker } from './worker';
import { AiModule } from '../ai/ai.module';
import { AgentStep } from './steps/agent.step';
import { LlmStep } from './steps/llm.step';
import { ToolStep } from './steps/tool.step';

/** Every step type this engine runs. A new type (llm, agent, tool) is one class and one entry here. */
const RUNNERS = [TransformStep, HttpStep, ApprovalStep, DelayStep, StopStep, LlmStep, AgentStep, ToolStep];

/** The durable step engine and what it needs: the agents read model, step runners, claims and commits. */
@Module({
  imports: [AiModule],
  providers: [
    ...RUNNERS,
    { provide: STEP_RUNNERS, useFactory: (...runners: StepRunner[]) => runners, inject: RUNNERS },
    ServiceRpcClient,
    ConnectionCredentials,
    ApprovalsStore,
    DefinitionCache,
    AgentCatalogRepository,
    AgentCatalog,
    AgentsEventsConsumer,
    RunStore,
    RunWaiters,
    ProgressPublisher,
    RunExecutor,
    Worker,
  ],
  exports: [
    AgentCatalog,
    AgentCatalogRepository,
    RunStore,
    RunWaiters,
    ProgressPublisher,
    RunExecutor,
    Worker,
    DefinitionCache,
    ServiceRpcClient,
  ],
})
export class EngineModule {}
