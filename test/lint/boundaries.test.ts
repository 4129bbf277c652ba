/**
 * The layer table in eslint.config.js fires on every forbidden edge, and only there. The expected edges are
 * written out here by hand (not read from the table), so a change to the table that opens an edge fails a test.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'docvault/layers').map((m) => m.message);
}

/** A file in each layer, and how a file in `from` imports something in each layer. */
const FILE: Record<string, string> = {
  shared: 'src/shared/x.ts',
  storage: 'src/main/storage/x.ts',
  app: 'src/app/x.ts',
  cli: 'src/cli/x.ts',
  web: 'src/web/x.ts',
  bench: 'bench/x.ts',
  main: 'src/main/x.ts',
  preload: 'src/preload/x.ts',
  renderer: 'src/renderer/components/x.tsx',
};

/** Module specifiers reaching each layer from a file at `from` (relative paths are worked out from the files above). */
function specifier(fromFile: string, target: string): string {
  if (target === 'node') return 'node:fs';
  if (target === 'electron') return 'electron';
  const depth = fromFile.split('/').length - 1;
  const up = '../'.repeat(depth);
  const where: Record<string, string> = {
    shared: 'src/shared/types',
    storage: 'src/main/storage',
    app: 'src/app/backend',
    cli: 'src/cli/args',
    web: 'src/web/server',
    bench: 'bench/data',
    main: 'src/main/native',
    preload: 'src/preload/index',
    renderer: 'src/renderer/api',
  };
  return up + where[target];
}

/** Every layer → what it may import (besides itself). Written out by hand on purpose. */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  storage: ['shared', 'node'],
  app: ['shared', 'storage', 'node'],
  cli: ['shared', 'storage', 'app', 'node'],
  web: ['shared', 'storage', 'app', 'node'],
  bench: ['shared', 'storage', 'node'],
  main: ['shared', 'storage', 'app', 'node', 'electron'],
  preload: ['shared', 'electron'],
  renderer: ['shared'],
};
const TARGETS = [...Object.keys(FILE), 'node', 'electron'];

describe('layer table', () => {
  for (const [from, file] of Object.entries(FILE)) {
    const forbidden = TARGETS.filter((t) => t !== from && !ALLOWED[from]!.includes(t));
    const allowed = TARGETS.filter((t) => t === from || ALLOWED[from]!.includes(t));
    it(`${from} may not import ${forbidden.join(', ')}`, async () => {
      for (const target of forbidden) {
        const spec = specifier(file, target);
        const errors = await layerErrors(file, `import { a } from '${spec}';\nexport const b = a;\n`);
        expect(errors, `${from} → ${target} (${spec})`).toHaveLength(1);
        expect(errors[0]).toContain(`may not import from "${target}"`);
      }
    });
    it(`${from} may import ${allowed.join(', ')}`, async () => {
      for (const target of allowed) {
        const spec = specifier(file, target);
        // `a` is never an electron IPC name, so only the layer check can fire here.
        expect(await layerErrors(file, `import { a } from '${spec}';\nexport const b = a;\n`), `${from} → ${target}`).toEqual([]);
      }
    });
  }

  it('catches re-exports, dynamic imports and electron subpaths', async () => {
    expect(await layerErrors('src/renderer/x.tsx', "export { Vault } from '../main/storage';\n")).toHaveLength(1);
    expect(await layerErrors('src/renderer/x.tsx', "export const v = import('../app/backend');\n")).toHaveLength(1);
    expect(await layerErrors('src/app/x.ts', "import { app } from 'electron/main';\nexport const a = app;\n")).toHaveLength(1);
    expect(await layerErrors('src/shared/x.ts', "import { createHash } from 'crypto';\nexport const a = createHash;\n")).toHaveLength(1);
    expect(await layerErrors('src/shared/x.ts', "import { readFile } from 'fs/promises';\nexport const a = readFile;\n")).toHaveLength(1);
  });

  it('does not layer tests, scripts or third-party packages', async () => {
    expect(await layerErrors('test/x.test.ts', "import { app } from 'electron';\nimport { Vault } from '../src/main/storage';\nexport const a = [app, Vault];\n")).toEqual([]);
    expect(await layerErrors('src/renderer/x.tsx', "import { useState } from 'react';\nexport const a = useState;\n")).toEqual([]);
  });
});

describe('raw IPC', () => {
  const ipcMainCode = "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n";
  it('is refused outside the wrappers, even in the Electron layer', async () => {
    expect(await layerErrors('src/main/window.ts', ipcMainCode)).toHaveLength(1);
    expect(await layerErrors('src/main/window.ts', "import * as electron from 'electron';\nexport const a = electron;\n")).toHaveLength(1);
    expect(await layerErrors('src/preload/other.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
  });
  it('is allowed in src/main/ipc.ts, src/main/index.ts (hands it over) and the preload', async () => {
    expect(await layerErrors('src/main/ipc.ts', ipcMainCode)).toEqual([]);
    expect(await layerErrors('src/main/index.ts', ipcMainCode)).toEqual([]);
    expect(await layerErrors('src/preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';\nexport const a = [contextBridge, ipcRenderer];\n")).toEqual([]);
    expect(await layerErrors('src/main/window.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n")).toEqual([]);
  });
});
