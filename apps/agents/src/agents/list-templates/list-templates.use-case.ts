import { AgentTemplateView } from '@agentry/contracts';
import { Injectable } from '@nestjs/common';
import { toTemplateView } from '../templates/agent-template';
import { AGENT_TEMPLATES } from '../templates/template-registry';

@Injectable()
export class ListTemplatesUseCase {
  private readonly views = AGENT_TEMPLATES.map(toTemplateView);

  execute(): { data: AgentTemplateView[] } {
    return { data: this.views };
  }
}
