import { ToolsController } from './tools.controller';

/** The gateway's tool routes, registered in AppModule. */
export const TOOLS_CONTROLLERS = [ToolsController];
