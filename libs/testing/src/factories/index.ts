export * from './agent.factory';
export * from './webhook.factory';
