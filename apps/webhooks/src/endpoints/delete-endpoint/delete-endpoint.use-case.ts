import { RpcContext } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EndpointsError } from '../endpoints.errors';
import { EndpointsRepository } from '../endpoints.repository';

/** Deletes the endpoint with its deliveries and their attempts; attempts in flight finish unrecorded. */
@Injectable()
export class DeleteEndpointUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: EndpointsRepository,
  ) {}

  async execute(ctx: RpcContext, id: string): Promise<{ id: string; deleted: true }> {
    await this.ds.transaction(async (m) => {
      const endpoint = await this.repo.find(ctx.workspace_id, id, m, true);
      if (!endpoint) throw EndpointsError.notFound(id);
      await this.repo.delete(m, endpoint);
    });
    return { id, deleted: true };
  }
}
