import { executionDraft, serializePayload } from './event-payload';

const envelope = (data: Record<string, unknown>) =>
  ({
    id: 'evt_1',
    type: 'executions.succeeded',
    version: 1,
    occurred_at: '2026-11-23T10:00:00.000Z',
    workspace_id: 'wks_1',
    data,
  }) as never;

describe('event payloads', () => {
  it('maps a run event to the SPEC payload, event and id first', () => {
    const draft = executionDraft(
      'agentry.executions.succeeded',
      envelope({
        execution_id: 'exe_1',
        agent_id: 'agt_1',
        status: 'succeeded',
        trigger_type: 'api',
        output: { a: 1 },
        tokens_used: 3,
        duration_ms: 9,
        callback_url: 'https://cb.example.com',
      }),
    )!;
    expect(draft).toMatchObject({ eventType: 'agent.execution.success', agentId: 'agt_1', callbackUrl: 'https://cb.example.com' });
    const body = serializePayload('msg_1', draft.fields, 1024);
    expect(Object.keys(JSON.parse(body)).slice(0, 2)).toEqual(['event', 'id']);
    expect(JSON.parse(body)).toEqual({
      event: 'agent.execution.success',
      id: 'msg_1',
      workspace_id: 'wks_1',
      status: 'succeeded',
      execution_id: 'exe_1',
      agent_id: 'agt_1',
      trigger_type: 'api',
      output: { a: 1 },
      tokens_used: 3,
      duration_ms: 9,
      timestamp: '2026-11-23T10:00:00.000Z',
    });
    expect(executionDraft('agentry.executions.started', envelope({}))).toBeNull();
  });

  it('leaves out an output over the limit and says where to read it', () => {
    const fields = { event: 'agent.execution.success', execution_id: 'exe_1', output: 'x'.repeat(5000), summary: 's'.repeat(3000) };
    const body = JSON.parse(serializePayload('msg_1', fields, 2048));
    expect(body.output).toBeNull();
    expect(body.output_omitted).toContain('GET /v1/executions/exe_1');
    expect(body.summary.length).toBeLessThanOrEqual(1001);
  });
});
