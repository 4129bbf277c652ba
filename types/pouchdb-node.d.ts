// The slice of PouchDB's API the benchmark peer uses. @types/pouchdb-* is not used because it pulls
// the DOM lib into the Node project, which breaks Buffer typing under TypeScript 5.9.
declare module 'pouchdb-node' {
  const PouchDB: PouchDB.Static;
  export default PouchDB;
}

declare namespace PouchDB {
  interface Static {
    new <T extends object = object>(name: string, options?: Record<string, unknown>): Database<T>;
    /** Returns a PouchDB class with the plugin's methods added (crypto-pouch adds `crypto`). */
    plugin(plugin: object): Static;
  }
  interface Response {
    ok: boolean;
    id: string;
    rev: string;
  }
  interface Error {
    error?: string | boolean;
    reason?: string;
    status?: number;
    id?: string;
  }
  interface RevisionInfo {
    rev: string;
    status: 'available' | 'compacted' | 'not compacted' | 'missing';
  }
  type Existing<T> = T & { _id: string; _rev: string; _revs_info?: RevisionInfo[] };
  interface AllDocsRow<T> {
    id: string;
    key: string;
    value: { rev: string; deleted?: boolean };
    doc?: Existing<T> | null;
  }
  interface AllDocsErrorRow {
    key: string;
    error: string;
  }
  interface AllDocsResponse<T> {
    total_rows: number;
    offset: number;
    rows: (AllDocsRow<T> | AllDocsErrorRow)[];
  }
  interface QueryResponse {
    total_rows: number;
    offset: number;
    rows: { id: string; key: unknown; value: unknown }[];
  }
  interface Database<T extends object = object> {
    get(id: string, options?: { rev?: string; revs_info?: boolean }): Promise<Existing<T>>;
    put(doc: T & { _id: string; _rev?: string }): Promise<Response>;
    bulkDocs(docs: (T & { _id: string; _rev?: string })[]): Promise<(Response | Error)[]>;
    allDocs(options?: { key?: string; keys?: string[]; include_docs?: boolean; limit?: number; startkey?: string; endkey?: string; descending?: boolean }): Promise<AllDocsResponse<T>>;
    query(view: string, options?: { descending?: boolean; limit?: number }): Promise<QueryResponse>;
    info(): Promise<{ doc_count: number; update_seq: number | string }>;
    close(): Promise<void>;
    destroy(): Promise<void>;
    /** crypto-pouch (present once PouchDB.plugin(cryptoPouch) ran): encrypts every document from now on. */
    crypto?(password: string, options?: { ignore?: string[] }): Promise<void>;
  }
}
