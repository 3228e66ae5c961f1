import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContextData {
  request_id: string;
  workspace_id?: string;
}

const storage = new AsyncLocalStorage<RequestContextData>();

/** The request id (and workspace) of the work in progress, for logs and outgoing NATS headers. */
export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  get(): RequestContextData | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.request_id;
  },
};
