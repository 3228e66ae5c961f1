import { parseAndValidate } from '@agentry/common';
import { CreateAgentRequest, StepDto } from '@agentry/contracts';
import jsonata from 'jsonata';
import { DefinitionValidator } from '../definition/definition-validator';
import { slugify } from '../slug';
import { AgentTemplate, toTemplateView } from './agent-template';
import { AGENT_TEMPLATES, findTemplate } from './template-registry';

function stepOf(t: AgentTemplate, id: string): StepDto {
  const step = t.definition.steps.find((s) => s.id === id);
  if (!step) throw new Error(`${t.id} has no step ${id}`);
  return step;
}

/** Evaluates a template's transform step against a run context, as the engine will. */
function evaluate(t: AgentTemplate, stepId: string, context: object): Promise<unknown> {
  return jsonata(stepOf(t, stepId).with.expression as string).evaluate(context);
}

describe('agent templates', () => {
  const validator = new DefinitionValidator();

  it('has at least six templates with unique, slug-shaped ids', () => {
    const ids = AGENT_TEMPLATES.map((t) => t.id);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of AGENT_TEMPLATES) expect(slugify(t.name)).toBe(t.id); // the id is the default slug
    expect(ids).toEqual(
      expect.arrayContaining(['lead-qualification', 'email-triage', 'webhook-to-slack-relay', 'daily-digest', 'approval-gated-outreach']),
    );
  });

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))('%s passes the definition validator', (_id, t) => {
    expect(validator.validate(t.definition, { llm: t.llm })).toEqual([]);
  });

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))('%s is a valid create request (the DTO rules)', async (_id, t) => {
    await expect(
      parseAndValidate(CreateAgentRequest, { name: t.name, tags: t.tags, llm: t.llm, definition: t.definition }),
    ).resolves.toBeInstanceOf(CreateAgentRequest);
  });

  it('lists views that carry the definition and LLM defaults', () => {
    const view = toTemplateView(findTemplate('lead-qualification')!);
    expect(view).toMatchObject({ id: 'lead-qualification', llm: { model: 'gpt-4o-mini' }, definition: { steps: expect.any(Array) } });
    expect(findTemplate('nope')).toBeUndefined();
  });

  describe('transform steps evaluate on realistic input', () => {
    it('lead qualification: enrich', async () => {
      const t = findTemplate('lead-qualification')!;
      const out = await evaluate(t, 'enrich', { input: { email: 'Ana@Gmail.com', employees: 3 } });
      expect(out).toMatchObject({ email: 'ana@gmail.com', domain: 'gmail.com', free_email: true, company: 'gmail.com', message: '' });
      const biz = await evaluate(t, 'enrich', { input: { email: 'cto@acme.io', company: 'Acme', message: 'Need SSO' } });
      expect(biz).toMatchObject({ free_email: false, company: 'Acme', message: 'Need SSO' });
    });

    it('webhook relay: format', async () => {
      const t = findTemplate('webhook-to-slack-relay')!;
      const config = await evaluate(t, 'config', {});
      const out = (await evaluate(t, 'format', { input: { action: 'opened', number: 7 }, steps: { config: { output: config } } })) as {
        text: string;
        blocks: { text: { text: string } }[];
      };
      expect(out.text).toBe('Webhook received: opened');
      expect(out.blocks[1].text.text).toContain('"number": 7');
    });

    it('daily digest: pick keeps the top stories above min_points', async () => {
      const t = findTemplate('daily-digest')!;
      const hits = [
        { title: 'A', url: 'https://a.test', points: 50, num_comments: 3, objectID: '1' },
        { title: 'B', url: null, points: 120, num_comments: 9, objectID: '2' },
        { title: 'C', url: 'https://c.test', points: 2, num_comments: 0, objectID: '3' },
      ];
      const out = await evaluate(t, 'pick', { input: { topic: 'x', min_points: 10 }, steps: { fetch: { output: { body: { hits } } } } });
      expect(out).toEqual({
        count: 2,
        items: [
          { title: 'B', url: 'https://news.ycombinator.com/item?id=2', points: 120, comments: 9 },
          { title: 'A', url: 'https://a.test', points: 50, comments: 3 },
        ],
      });
      const none = await evaluate(t, 'pick', { input: { topic: 'x' }, steps: { fetch: { output: { body: { hits: [] } } } } });
      expect(none).toMatchObject({ count: 0 });
    });

    it('web page summary: text strips markup, scripts and entities', async () => {
      const t = findTemplate('web-page-summary')!;
      const body =
        '<html><head><style>p{}</style><script>var a = "<b>";</script></head><body><h1>Hi</h1>&nbsp;<p>there\n  you</p></body></html>';
      expect(await evaluate(t, 'text', { steps: { fetch: { output: { body } } } })).toBe('Hi there you');
    });

    it('approval-gated outreach stops unless the review approved', async () => {
      const t = findTemplate('approval-gated-outreach')!;
      const stops = (review: object) => jsonata(stepOf(t, 'rejected').if!).evaluate({ steps: { review: { output: review } } });
      await expect(stops({ approved: true })).resolves.toBe(false);
      await expect(stops({ approved: false })).resolves.toBe(true);
      await expect(stops({})).resolves.toBe(true);
    });
  });
});
