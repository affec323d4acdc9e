// Debian's Chromium, driven by playwright-core. Never a downloaded browser: CI can reach no browser CDN.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const FLAGS = [
  '--no-sandbox', // CI runs as root
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const NARROW = { width: 320, height: 640 };

/**
 * Launches Chromium. `chromium.launch()` gives every launch a fresh temporary user-data-dir
 * (playwright_chromiumdev_profile-…) and deletes it on close, so no profile is ever shared between runs.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
  return {
    browser,
    /** A fresh context (cookies, storage, cache): one per role × locale, one per self-test case. */
    newContext(options = {}) {
      return browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1, ...options });
    },
    async close() {
      await browser.close().catch(() => {});
    },
  };
}
