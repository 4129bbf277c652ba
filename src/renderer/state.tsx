/**
 * The renderer's access to the contract: `call` unwraps results into values or {@link CallError}s,
 * counts calls in flight, and shows progress for anything that runs longer than a second.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { PROGRESS_AFTER_MS, type Channel, type ChannelInputs, type ChannelOutputs, type DocvaultApi, type PushEvent } from '../shared/contract';
import type { Progress } from '../shared/types';
import { CallError } from './errors';

/** What a slow call shows while it runs. */
export interface BusyState {
  readonly label: string;
  readonly progress: Progress | undefined;
}

interface ApiContextValue {
  readonly api: DocvaultApi;
  call<C extends Channel>(channel: C, input: ChannelInputs[C], label?: string): Promise<ChannelOutputs[C]>;
  readonly busy: BusyState | undefined;
}

const ApiContext = createContext<ApiContextValue | undefined>(undefined);

/** Provides {@link useApi} to the tree. */
export function ApiProvider({ api, children }: { api: DocvaultApi; children: ReactNode }) {
  const [busy, setBusy] = useState<BusyState | undefined>(undefined);
  const slow = useRef(new Map<number, string>());
  const seq = useRef(0);

  useEffect(
    () =>
      api.subscribe((e) => {
        // Progress only fills in the indicator of a call already shown as slow; it never opens one by itself.
        if (e.event === 'progress') setBusy((b) => (b === undefined ? b : { ...b, progress: e.data }));
      }),
    [api],
  );

  const call = useCallback(
    async <C extends Channel>(channel: C, input: ChannelInputs[C], label?: string): Promise<ChannelOutputs[C]> => {
      const n = ++seq.current;
      const timer = setTimeout(() => {
        slow.current.set(n, label ?? channel);
        setBusy((b) => b ?? { label: label ?? channel, progress: undefined });
      }, PROGRESS_AFTER_MS);
      try {
        const r = await api.invoke(channel, input);
        if (!r.ok) throw new CallError(r.error);
        return r.value;
      } finally {
        clearTimeout(timer);
        if (slow.current.delete(n)) {
          const next = [...slow.current.values()][0];
          setBusy(next === undefined ? undefined : { label: next, progress: undefined });
        }
      }
    },
    [api],
  );

  const value = useMemo(() => ({ api, call, busy }), [api, call, busy]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

/** The contract, as the components use it. */
export function useApi(): ApiContextValue {
  const v = useContext(ApiContext);
  if (v === undefined) throw new Error('useApi outside ApiProvider');
  return v;
}

/** Subscribes to push events for the lifetime of the component. */
export function usePushEvents(listener: (e: PushEvent) => void): void {
  const { api } = useApi();
  const ref = useRef(listener);
  useEffect(() => {
    ref.current = listener;
  });
  useEffect(() => api.subscribe((e) => ref.current(e)), [api]);
}
