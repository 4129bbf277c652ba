/** The layer rules in eslint.config.js fire where they should, and only there. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries', () => {
  it('forbids electron in the engine, the shared contract and the CLI', async () => {
    for (const file of ['src/main/storage/x.ts', 'src/shared/x.ts', 'src/cli/x.ts']) {
      expect(await restricted(file, "import { app } from 'electron';\nexport const a = app;\n"), file).toHaveLength(1);
      expect(await restricted(file, "import { ipcMain } from 'electron/main';\nexport const a = ipcMain;\n"), file).toHaveLength(1);
    }
    expect(await restricted('src/main/index.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toHaveLength(0);
  });

  it('keeps raw IPC in the wrappers', async () => {
    const code = "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n";
    expect(await restricted('src/main/backend-fixture.ts', code)).toHaveLength(1);
    expect(await restricted('src/main/ipc.ts', code)).toHaveLength(0);
    expect(await restricted('src/main/backend-fixture.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(0);
  });

  it('forbids Node built-ins in src/shared', async () => {
    expect(await restricted('src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).toHaveLength(1);
    expect(await restricted('src/shared/x.ts', "import { createHash } from 'crypto';\nexport const a = createHash;\n")).toHaveLength(1);
    expect(await restricted('src/main/storage/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n")).toHaveLength(0);
  });

  it('forbids the renderer from importing src/main', async () => {
    expect(await restricted('src/renderer/x.tsx', "import { Vault } from '../main/storage';\nexport const a = Vault;\n")).toHaveLength(1);
    expect(await restricted('src/renderer/x.tsx', "import { Vault } from '../main/storage/vault';\nexport const a = Vault;\n")).toHaveLength(1);
    expect(await restricted('src/renderer/x.tsx', "import { LIMITS } from '../shared/types';\nexport const a = LIMITS;\n")).toHaveLength(0);
  });
});
