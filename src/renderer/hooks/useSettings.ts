/** The app's settings as this window knows them: read once, then kept current by `settings.changed` pushes. */
import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_SETTINGS, type AppSettings } from '../../shared/live';
import { useApi, usePushEvents } from '../state';

/** Current settings (defaults until the first answer) and a setter that returns the saved settings. */
export function useSettings(): { settings: AppSettings; update: (change: Partial<AppSettings>) => Promise<AppSettings> } {
  const { call } = useApi();
  const [settings, setSettings] = useState<AppSettings>(DEFAULT_SETTINGS);
  useEffect(() => {
    call('settings.get', {})
      .then(setSettings)
      .catch(() => undefined);
  }, [call]);
  usePushEvents((e) => {
    if (e.event === 'settings.changed') setSettings(e.data);
  });
  const update = useCallback(
    async (change: Partial<AppSettings>) => {
      // Shown at once (a checkbox must not lag behind the click); the app's answer then replaces it.
      setSettings((s) => ({ ...s, ...change }));
      try {
        const next = await call('settings.set', change);
        setSettings(next);
        return next;
      } catch (err) {
        setSettings(await call('settings.get', {}).catch(() => DEFAULT_SETTINGS));
        throw err;
      }
    },
    [call],
  );
  return { settings, update };
}

/** How often at most the window reports user activity to the auto-lock, ms. */
const ACTIVITY_EVERY_MS = 15_000;

/** Reports typing, clicking and scrolling to the app (throttled) so the auto-lock counts this window as in use. */
export function useActivityReporter(): void {
  const { call } = useApi();
  useEffect(() => {
    let last = 0;
    const onActivity = (): void => {
      const now = Date.now();
      if (now - last < ACTIVITY_EVERY_MS) return;
      last = now;
      void call('app.activity', {}).catch(() => undefined);
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const ev of events) window.addEventListener(ev, onActivity, { passive: true });
    return () => {
      for (const ev of events) window.removeEventListener(ev, onActivity);
    };
  }, [call]);
}
