import { PLAN_LIMITS } from '@agentry/contracts';
import { newId } from '@agentry/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { issueApiKey } from '../api-keys/issue-api-key';
import { CreatedWorkspaceView, CreateWorkspaceRequest, WorkspaceView } from './workspaces.dto';
import { WorkspaceEntity } from './workspace.entity';

@Injectable()
export class CreateWorkspaceUseCase {
  constructor(private readonly ds: DataSource) {}

  execute(req: CreateWorkspaceRequest): Promise<CreatedWorkspaceView> {
    return this.ds.transaction(async (m) => {
      const ws = Object.assign(new WorkspaceEntity(), {
        id: newId('wks'),
        name: req.name,
        plan: req.plan,
        requestsPerMinute: req.requests_per_minute ?? null,
        isDefault: false,
        createdAt: new Date(),
      });
      await m.insert(WorkspaceEntity, ws);
      const apiKey = await issueApiKey(m, { workspaceId: ws.id, name: 'admin', scopes: ['admin'] });
      return { workspace: toWorkspaceView(ws), api_key: apiKey };
    });
  }
}

export function toWorkspaceView(w: WorkspaceEntity): WorkspaceView {
  return {
    id: w.id,
    name: w.name,
    plan: w.plan,
    requests_per_minute: w.requestsPerMinute ?? PLAN_LIMITS[w.plan].requests_per_minute,
    created_at: w.createdAt.toISOString(),
  };
}
