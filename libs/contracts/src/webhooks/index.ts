export * from './webhooks.dto';
export * from './webhooks.subjects';
