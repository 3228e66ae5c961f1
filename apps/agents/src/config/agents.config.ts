import { ServiceConfig } from '@agentry/common';

export class AgentsConfig extends ServiceConfig {}
