/** The storage engine's public surface. Never imports electron: usable from Node, workers, the CLI and tests. */
export { Vault, type VaultOptions } from './vault';
export type { BackupOptions, BackupReport, RestoreReport } from './engine/backup';
export { KDF_PROFILES, DEFAULT_KDF_PROFILE, generateRawKey, parseRawKey, resolveKey, type KeySpec, type KdfParams, type ResolvedKey } from './keys';
export { MEMORY_PRESETS, tuningFor, type MemoryTuning } from './memory-modes';
export { ATTACHMENTS_STEP, MIGRATIONS, SCHEMA_VERSION, migrate } from './migrations';
export { attachStream, type AttachmentUploader, type ByteSource } from './attach-stream';
export { StorageService, type ServiceOptions, type ServiceStats, type CallOptions, type StorageCalls, type BatchOp, type BatchResults } from './service';
