import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ToolCallEntity } from './tool-call.entity';

/** The only code that touches `tool_calls`: an append-only audit. */
@Injectable()
export class ToolCallsRepository {
  constructor(@InjectRepository(ToolCallEntity) private readonly calls: Repository<ToolCallEntity>) {}

  async insert(call: ToolCallEntity): Promise<void> {
    await this.calls.insert(call as never);
  }

  recent(workspaceId: string, limit: number): Promise<ToolCallEntity[]> {
    return this.calls.find({ where: { workspaceId }, order: { id: 'DESC' }, take: limit });
  }
}
