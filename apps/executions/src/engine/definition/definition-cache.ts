import type { AgentDefinitionDto } from '@agentry/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { StepRunner, STEP_RUNNERS } from '../steps/step-runner';
import { CompiledDefinition, compileDefinition } from './compiled-definition';

const MAX_ENTRIES = 2_000;

/**
 * Compiled definitions by (agent, version). A version is immutable, so entries never go stale; the
 * map only forgets the least recently used ones.
 */
@Injectable()
export class DefinitionCache {
  private readonly entries = new Map<string, CompiledDefinition>();
  private readonly runners: Map<string, StepRunner>;

  constructor(@Inject(STEP_RUNNERS) runners: StepRunner[]) {
    this.runners = new Map(runners.map((r) => [r.type, r]));
  }

  get(agentId: string, version: number): CompiledDefinition | undefined {
    const key = `${agentId}@${version}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  compile(agentId: string, version: number, definition: AgentDefinitionDto): CompiledDefinition {
    const cached = this.get(agentId, version);
    if (cached) return cached;
    const compiled = compileDefinition(agentId, version, definition, (type) => this.runners.get(type));
    this.entries.set(`${agentId}@${version}`, compiled);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return compiled;
  }

  runnerFor(type: string): StepRunner | undefined {
    return this.runners.get(type);
  }
}
