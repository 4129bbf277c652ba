/** The storage engine's public surface. Never imports electron: usable from Node, workers, the CLI and tests. */
export { Vault, type VaultOptions } from './vault';
export type { BackupOptions, BackupReport, RestoreReport } from './engine/backup';
export { KDF_PROFILES, DEFAULT_KDF_PROFILE, deriveKey, generateRawKey, parseRawKey, profileOfSalt, resolveKey, wipe, type KeySpec, type KdfParams, type ResolvedKey } from './keys';
export { MEMORY_PRESETS, tuningFor, type MemoryTuning } from './memory-modes';
export { ATTACHMENTS_STEP, AUDIT_STEP, MIGRATIONS, SCHEMA_VERSION, SEARCH_MERGED_STEP, TAG_ROWS_KEYED_STEP, migrate } from './migrations';
export { abortQuietly, attachStream, uploadStream, type AttachmentUploader, type ByteSource } from './attach-stream';
export { StorageService, type ServiceOptions, type ServiceStats, type CallOptions, type StorageCalls, type BatchOp, type BatchResults } from './service';
export { SYNC_STATE_STEP } from './migrations';
export type { ApplyReport, AttachOptions, DetachedRemote, OutboxEntry, PulledRow, SyncConflict, SyncLocalState } from './engine/sync';
export { deriveSyncKeys, openRow, sealCheck, sealRow, verifyCheck, wipeSyncKeys, type SealedPayload, type SealedRow, type SyncKeys } from './sync/seal';
