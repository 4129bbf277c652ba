/**
 * Live stats for this window: subscribes with `stats.subscribe` while `enabled`, keeps the last five minutes
 * of pushed `stats.tick` samples, and unsubscribes when disabled, on unmount and when the page goes away.
 * One subscription per window, whatever shows the figures (top bar ticker, Performance view).
 */
import { useEffect, useState } from 'react';
import type { LiveSample } from '../../shared/live';
import { pushSample } from '../model/live-series';
import { useApi, usePushEvents } from '../state';

/** The samples received while subscribed (oldest first) and the latest. */
export function useLiveStats(enabled: boolean): { history: readonly LiveSample[]; latest: LiveSample | undefined } {
  const { call } = useApi();
  const [history, setHistory] = useState<readonly LiveSample[]>([]);

  useEffect(() => {
    if (!enabled) return undefined;
    let id: string | undefined;
    let gone = false;
    const leave = (): void => {
      gone = true;
      if (id !== undefined) void call('stats.unsubscribe', { id }).catch(() => undefined);
      id = undefined;
    };
    call('stats.subscribe', {})
      .then((r) => {
        if (gone) void call('stats.unsubscribe', { id: r.id }).catch(() => undefined);
        else id = r.id;
      })
      .catch(() => undefined);
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [enabled, call]);

  usePushEvents((e) => {
    if (enabled && e.event === 'stats.tick') setHistory((h) => pushSample(h, e.data));
  });

  return { history, latest: history[history.length - 1] };
}
