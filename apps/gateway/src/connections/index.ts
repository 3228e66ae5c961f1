import { ConnectionsController } from './connections.controller';
import { PlatformsController } from './platforms.controller';

/** The gateway's connections routes, registered in AppModule. */
export const CONNECTIONS_CONTROLLERS = [PlatformsController, ConnectionsController];
