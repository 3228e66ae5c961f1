export * from './agent-definition.dto';
export * from './agents.dto';
export * from './agents.subjects';
