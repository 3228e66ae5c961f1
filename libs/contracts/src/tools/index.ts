export * from './tools.dto';
export * from './tools.subjects';
