// crypto-pouch 4 ships no types; the benchmark passes the module to PouchDB.plugin() and nothing else.
declare module 'crypto-pouch' {
  const plugin: { crypto: (password: string, options?: { ignore?: string[] }) => Promise<void>; removeCrypto: () => void };
  export = plugin;
}
