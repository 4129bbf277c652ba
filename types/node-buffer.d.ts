// Type-only shim: npm's `buffer` package (pulled in by PouchDB's dependencies) would otherwise shadow
// Node's built-in `buffer` module when TypeScript resolves `import … from 'buffer'` in @types/node.
export * from 'node:buffer';
