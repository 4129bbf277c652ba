/**
 * The sandboxed preload: exposes `window.docvault`, built from the shared contract over ipcRenderer,
 * and nothing else. Only the contract's channel names can be invoked; the renderer never sees
 * ipcRenderer itself. Bundled to CommonJS by electron-vite (a sandboxed preload cannot load ES modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { PUSH_IPC_CHANNEL, ipcChannelName, isChannel, type DocvaultApi, type PushEvent, type Result } from '../shared/contract';

const api: DocvaultApi = {
  transport: 'ipc',
  async invoke(channel, input) {
    if (typeof channel !== 'string' || !isChannel(channel))
      return { ok: false, error: { kind: 'Invalid', message: `Unknown channel "${String(channel)}"` } } as Result<never>;
    return (await ipcRenderer.invoke(ipcChannelName(channel), input)) as never;
  },
  subscribe(listener) {
    const wrapped = (_e: IpcRendererEvent, event: PushEvent): void => listener(event);
    ipcRenderer.on(PUSH_IPC_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(PUSH_IPC_CHANNEL, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('docvault', api);
