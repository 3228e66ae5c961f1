import { ErrorCode } from '@agentry/contracts';
import { AppError } from '@agentry/common';

export const ToolsError = {
  unknownTool: (name: string) => AppError.notFound('Tool', name),
  /** No active connection provides the tool (424, like a run that needs a missing connection). */
  notConnected: (message: string) =>
    new AppError(ErrorCode.INTEGRATION_NOT_CONNECTED, message, [{ field: 'connection_id', reason: 'not connected' }]),
  ambiguous: (name: string, ids: string[]) =>
    AppError.invalid(`Several active connections provide ${name}; say which with connection_id`, [
      { field: 'connection_id', reason: `is required: one of ${ids.join(', ')}` },
    ]),
  /** The platform refused the connection's credentials during a call. */
  credentialsRefused: (platform: string, detail: string) =>
    new AppError(ErrorCode.INTEGRATION_NOT_CONNECTED, `${platform} refused the connection's credentials: ${detail}`, [
      { field: 'connection_id', reason: 'credentials refused' },
    ]),
  /** The platform or server is down, rate limiting, or did not answer in time: worth retrying. */
  upstream: (message: string) => new AppError(ErrorCode.EXECUTION_FAILED, message),
};
