import { ServiceConfig } from '@agentry/common';

export class SchedulesConfig extends ServiceConfig {}
