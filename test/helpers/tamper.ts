/** Kept for older imports: the raw-connection helper lives in ./raw-db.ts. */
export { withRawConnection } from './raw-db';
