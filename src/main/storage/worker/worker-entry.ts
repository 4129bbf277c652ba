/**
 * The storage worker thread's entry: serves the vault its `workerData` names over its `parentPort`
 * (./serve.ts). Bundled by scripts/build-node.mjs into out/node/storage-worker.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInit } from './protocol';
import { serveVault } from './serve';

if (parentPort === null) throw new Error('storage worker: must run as a worker thread');
void serveVault(parentPort, workerData as WorkerInit);
