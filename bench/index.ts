/**
 * The benchmark as a library: trials as data, drivers, runTrial. The runner script (scripts/bench.mjs)
 * runs each trial × driver × size in a fresh process through bench/child.ts; the in-app benchmark panel
 * can call {@link runTrial} directly with a progress callback and an AbortSignal.
 */
export { TRIALS, SIZES, trialByName, type Trial, type SizeName, type OpKind } from './trials';
export { runAttachmentsTrial, type AttachmentsRecord, type AttachmentsTrialOptions } from './attachments';
export { runImportTrial, type ImportRecord, type ImportTrialOptions, type FolderImporter, type ImportOutcome } from './import';
export { runIndexBuildTrial, type IndexBuildRecord, type IndexBuildTrialOptions } from './index-build';
export { DRIVERS, driverByName, driverAvailability, type DriverAvailability } from './drivers';
export { peerModule, type PeerModule } from './drivers/peer';
export { runTrial, seedStore, machineInfo, type RunTrialOptions } from './run';
export { DEFAULT_TIMING, median, spreadPercent } from './measure';
export { renderMarkdown, checkTargets, formatRate, TARGETS, type Target } from './report';
export type * from './types';
export {
  SCALE_SIZES,
  SCALE_FILTERS,
  DEEP_PAGES,
  expectedCounts,
  scaleSeed,
  scaleMeasure,
  scaleRawMeasure,
  scaleService,
  scaleRecord,
  type ScaleRecord,
  type ScaleSeed,
  type ScaleMeasure,
  type ScaleService,
  type ScaleRawMeasure,
  type PageFigure,
  type ScaleFilter,
} from './scale';
export { renderScaleMarkdown } from './scale-report';
