import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { ApprovalLinks } from './approval-links';
import { ApprovalsHandler } from './approvals.handler';
import { ApprovalsRepository } from './approvals.repository';
import { DecideApprovalUseCase } from './decide-approval.use-case';
import { ListApprovalsUseCase } from './list-approvals.use-case';

@Module({
  imports: [EngineModule],
  controllers: [ApprovalsHandler],
  providers: [ApprovalLinks, ApprovalsRepository, ListApprovalsUseCase, DecideApprovalUseCase],
})
export class ApprovalsModule {}
