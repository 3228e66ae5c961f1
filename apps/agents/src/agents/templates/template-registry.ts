import { AgentTemplate } from './agent-template';
import { approvalGatedOutreachTemplate } from './approval-gated-outreach.template';
import { dailyDigestTemplate } from './daily-digest.template';
import { emailTriageTemplate } from './email-triage.template';
import { leadQualificationTemplate } from './lead-qualification.template';
import { webPageSummaryTemplate } from './web-page-summary.template';
import { webhookSlackRelayTemplate } from './webhook-slack-relay.template';

/** Every template, in the order `GET /v1/agent-templates` lists them. Add a file and a line here. */
export const AGENT_TEMPLATES: readonly AgentTemplate[] = [
  leadQualificationTemplate,
  emailTriageTemplate,
  webhookSlackRelayTemplate,
  dailyDigestTemplate,
  approvalGatedOutreachTemplate,
  webPageSummaryTemplate,
];

export function findTemplate(id: string): AgentTemplate | undefined {
  return AGENT_TEMPLATES.find((t) => t.id === id);
}
