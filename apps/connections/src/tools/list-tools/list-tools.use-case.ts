import { ListToolsQuery, RpcContext, ToolView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { CatalogTool } from '../tool';
import { ToolCatalog } from '../tool-catalog';

/** `tools.list`: the catalog of a workspace, sorted by name then connection. */
@Injectable()
export class ListToolsUseCase {
  constructor(private readonly catalog: ToolCatalog) {}

  async execute(ctx: RpcContext, query: ListToolsQuery): Promise<{ data: ToolView[] }> {
    const tools = await this.catalog.list(ctx.workspace_id, query.include_all ?? false, query.refresh ?? false);
    tools.sort((a, b) => a.name.localeCompare(b.name) || (a.connectionId ?? '').localeCompare(b.connectionId ?? ''));
    return { data: tools.map(toToolView) };
  }
}

export function toToolView(t: CatalogTool): ToolView {
  return {
    name: t.name,
    description: t.description,
    source: t.source,
    platform: t.platform,
    connection_id: t.connectionId,
    connection_name: t.connectionName,
    input_schema: t.inputSchema,
    available: t.available,
  };
}
