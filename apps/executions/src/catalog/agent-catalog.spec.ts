import type { NatsHandles } from '@agentry/common';
import { ExecutionsConfig } from '../config/executions.config';
import type { CompiledDefinition } from '../engine/definition/compiled-definition';
import type { DefinitionCache } from '../engine/definition/definition-cache';
import type { ServiceRpcClient } from '../rpc/service-rpc.client';
import { AgentCatalog } from './agent-catalog';
import type { AgentCatalogRepository, AgentRow } from './agent-catalog.repository';

const row = (status: AgentRow['status']): AgentRow => ({
  id: 'agt_1',
  workspace_id: 'ws_1',
  slug: 'lead',
  status,
  version: 1,
  max_concurrency: 5,
  max_tokens_per_run: null,
  llm: null,
  full_state: true,
  has_version: true,
});

/** The read model as a list of answers, each released when the test says so. */
function readModel() {
  const pending: Array<{ resolve: (r: AgentRow) => void }> = [];
  const repo = {
    find: jest.fn(() => new Promise<AgentRow>((resolve) => pending.push({ resolve }))),
  } as unknown as AgentCatalogRepository;
  return { repo, pending };
}

function catalog(repo: AgentCatalogRepository): AgentCatalog {
  const definitions = { get: () => ({}) as CompiledDefinition } as unknown as DefinitionCache;
  const config = Object.assign(new ExecutionsConfig(), { AGENT_CACHE_TTL_MS: 60_000 });
  return new AgentCatalog(repo, definitions, {} as ServiceRpcClient, {} as NatsHandles, config);
}

describe('AgentCatalog', () => {
  it('serves a second lookup from its cache', async () => {
    const { repo, pending } = readModel();
    const agents = catalog(repo);

    const first = agents.resolve('ws_1', 'agt_1');
    pending[0].resolve(row('active'));
    await first;
    const second = await agents.resolve('ws_1', 'agt_1');

    expect(second.status).toBe('active');
    expect(repo.find).toHaveBeenCalledTimes(1);
  });

  it('does not cache what a lookup read while the agent changed (a pause is seen at once)', async () => {
    const { repo, pending } = readModel();
    const agents = catalog(repo);

    const during = agents.resolve('ws_1', 'agt_1');
    agents.forget('agt_1'); // the pause event is applied while the lookup is under way
    pending[0].resolve(row('active'));
    expect((await during).status).toBe('active');

    const after = agents.resolve('ws_1', 'agt_1');
    expect(repo.find).toHaveBeenCalledTimes(2);
    pending[1].resolve(row('paused'));
    expect((await after).status).toBe('paused');
  });
});
