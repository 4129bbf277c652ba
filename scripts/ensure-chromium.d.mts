/** The Chromium executable to use ($CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser), or undefined. */
export function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
