// Runs one keyboard-only flow in one locale as its role, in a fresh context.
import { join } from 'node:path';
import { checkPage, instrument } from './checks.mjs';

export async function runFlow({ launched, base, flow, role, locale, report, titles, shotsDir }) {
  const origin = new URL(base).origin;
  const context = await launched.newContext({ locale: locale.acceptLanguage });
  context.setDefaultTimeout(15_000);
  await context.addCookies([{ name: 'lang', value: locale.code, url: base }]);
  const page = await context.newPage();
  const rec = await instrument(page);
  const here = () => new URL(page.url()).pathname;
  const line = (state, failures, extra) =>
    report.add({ kind: 'flow', role: role.name, locale: locale.code, path: here(), state, failures, extra });
  let checksOk = true;
  const api = {
    page,
    base,
    locale,
    async go(path) {
      rec.reset();
      await page.goto(base + path, { waitUntil: 'load' });
    },
    /** Presses a key that loads a page (Enter on a link, Space on a button) and waits for the page. */
    async pressAndLoad(key) {
      rec.reset();
      const loaded = page.waitForEvent('load', { timeout: 10_000 });
      loaded.catch(() => {}); // handled below: a slow key press must not leave the rejection unhandled
      await page.keyboard.press(key);
      await loaded;
    },
    expectPath(path) {
      if (here() !== path) throw new Error(`expected to be on ${path}, but on ${here()}`);
    },
    /** Every page check on the page the flow has reached. */
    async check(state) {
      const r = await checkPage(page, {
        rec,
        origin,
        htmlLang: locale.htmlLang,
        serviceName: locale.serviceName,
        statusOk: (s) => (s === 200 ? null : `HTTP ${s}`),
        screenshot: shotsDir ? join(shotsDir, role.name, locale.code, `${here().replace(/^\/|\/$/g, '').replace(/[^A-Za-z0-9_-]+/g, '-') || 'home'}--${flow.name}-${state}`) : null,
      });
      const t = titles.check({ locale: locale.code, path: here(), state, title: r.title, errorState: r.errorState });
      if (t.length) r.failures.set('title', [...(r.failures.get('title') ?? []), ...t]);
      checksOk = line(`${flow.name}: ${state}`, r.failures, `${r.status} ${r.weight} B`) && checksOk;
    },
  };
  const started = Date.now();
  try {
    await role.signIn(page, base);
    await flow.run(api);
    line(`${flow.name}: done`, new Map(), `keyboard only, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    const focused = await page.evaluate(() => document.activeElement?.outerHTML?.slice(0, 120) ?? 'nothing').catch(() => '?');
    line(`${flow.name}: stopped`, new Map([['flow', [e.message.split('\n')[0], `focus was on: ${focused}`]]]));
  } finally {
    await context.close();
  }
}
