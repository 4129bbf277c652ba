/** The asynchronous storage service: the engine on worker threads, the cache in the calling thread. */
export { StorageService } from './storage-service';
export type { AsyncOf, CallOptions, ServiceCounters, ServiceOptions, ServiceStats, StorageCalls, WorkerLoad } from './types';
export type { BatchOp, BatchOpResult, BatchResults } from '../worker/protocol';
export { resolveWorkerPath } from './worker-path';
