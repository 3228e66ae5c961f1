import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';

export const ConnectionsError = {
  notFound: (id: string) => AppError.notFound('Connection', id),
  /** 424 for a run: the connection it needs is missing, of another platform, or not active. */
  notConnected: (message: string) =>
    new AppError(ErrorCode.INTEGRATION_NOT_CONNECTED, message, [{ field: 'connection_id', reason: 'not connected' }]),
  callerNotAllowed: () => new AppError(ErrorCode.FORBIDDEN, 'connections.resolve answers services only (ctx.actor system:<service>)'),
  /** The detail (which key is missing) goes to the service log, not to the caller. */
  undecryptable: (id: string) =>
    new AppError(ErrorCode.INTERNAL, `The secrets of connection ${id} cannot be decrypted; see the connections service log`),
};
