/**
 * HdrHistogram (hdr-histogram-js), JavaScript build only. The package's index also loads its WebAssembly
 * build with pako and base64-js, which docvault never uses and which cost ~25 ms in every thread that
 * imports it (each storage worker, at start); the factory module below does not load them.
 */
import type { Histogram } from 'hdr-histogram-js';
import { constructorFromBucketSize } from 'hdr-histogram-js/dist/JsHistogramFactory.js';

/** A histogram of integers in [lowest, highest] with `digits` significant digits, resizing as needed. */
export function buildHistogram(lowest: number, highest: number, digits: number, bitBucketSize: 32 | 64 = 32): Histogram {
  const Ctor = constructorFromBucketSize(bitBucketSize);
  const h = new Ctor(lowest, highest, digits);
  h.autoResize = true;
  return h;
}
