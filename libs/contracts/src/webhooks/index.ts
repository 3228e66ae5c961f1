export * from './webhooks.dto';
export * from './webhook-views.dto';
export * from './webhooks.subjects';
