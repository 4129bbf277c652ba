/**
 * Picks the transport the renderer runs on: `window.docvault` (the Electron preload) or, in a browser,
 * the web twin's HTTP client with the token handed over in the URL fragment. Everything above this file
 * sees only {@link DocvaultApi} from the shared contract.
 */
import { HTTP, type Channel, type ChannelInputs, type ChannelOutputs, type DocvaultApi, type PushEvent, type Result } from '../shared/contract';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    readonly docvault?: DocvaultApi;
  }
}

const TOKEN_KEY = 'docvault.token';

/** Takes the token out of the URL fragment (so it leaves the address bar and history) into this tab's session storage. */
function takeToken(): string | undefined {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const fromHash = params.get(HTTP.tokenFragment);
  if (fromHash !== null && fromHash !== '') {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/**
 * The server behind this page stopped (or cannot be reached). The page cannot know whether `npm start` or
 * `npm run serve` started it, so it says what works either way; a new launch has a new token, hence a new address.
 */
export const SERVER_GONE = 'The docvault server behind this page has stopped. Restart docvault the way you started it (npm start or npm run serve) and open the new address it prints.';

function transportError(message: string): Result<never> {
  return { ok: false, error: { kind: 'Internal', message } };
}

/** The web twin's client: `POST /api/<channel>` and a server-sent-event stream read with fetch. */
export function httpApi(token: string): DocvaultApi {
  const headers = { 'content-type': 'application/json', [HTTP.tokenHeader]: token };
  const listeners = new Set<(e: PushEvent) => void>();
  let stream: AbortController | undefined;

  async function readEvents(signal: AbortSignal): Promise<void> {
    let delay = 500;
    while (!signal.aborted) {
      try {
        const res = await fetch(HTTP.eventsPath, { headers: { [HTTP.tokenHeader]: token }, signal });
        if (res.body === null || !res.ok) throw new Error(`events: HTTP ${res.status}`);
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            for (const line of block.split('\n'))
              if (line.startsWith('data: ')) {
                const e = JSON.parse(line.slice(6)) as PushEvent;
                for (const l of listeners) l(e);
              }
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  return {
    transport: 'http',
    async invoke<C extends Channel>(channel: C, input: ChannelInputs[C]): Promise<Result<ChannelOutputs[C]>> {
      let res: Response;
      try {
        res = await fetch(`${HTTP.apiPrefix}${channel}`, { method: 'POST', headers, body: JSON.stringify(input) });
      } catch {
        return transportError(SERVER_GONE);
      }
      try {
        return (await res.json()) as Result<ChannelOutputs[C]>;
      } catch {
        return transportError(`Unexpected answer from the server (HTTP ${res.status})`);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (stream === undefined) {
        stream = new AbortController();
        void readEvents(stream.signal);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          stream?.abort();
          stream = undefined;
        }
      };
    },
  };
}

/** The API of this window, or undefined when a browser tab was opened without the token. */
export function connect(): DocvaultApi | undefined {
  if (window.docvault !== undefined) return window.docvault;
  const token = takeToken();
  return token === undefined ? undefined : httpApi(token);
}
