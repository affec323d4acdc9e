// The checks every page and every form state goes through. Each returns messages; none means it passed.
import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DESKTOP, NARROW } from './browser.mjs';
import { checkKeyboard } from './keyboard.mjs';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** HTML + CSS + JS of one page (print CSS too), uncompressed response bodies: under 30 KB = 30 720 bytes, as tests/api counts it. */
export const WEIGHT_LIMIT = 30 * 1024;
/** 1280 px at 200 % zoom lays out like a 640 CSS-pixel viewport with two device pixels per CSS pixel. */
export const ZOOMED = { width: 640, height: 400, deviceScaleFactor: 2 };

/** Every check, in the order they are reported. */
export const CHECKS = [
  'status',
  'lang',
  'one-h1',
  'title',
  'axe',
  'keyboard-reach',
  'focus-visible',
  'reflow-320',
  'reflow-zoom-200',
  'weight',
  'same-origin',
  'no-web-fonts',
  'console',
];

/**
 * Watches a page's network and console. `reset()` before loading a state, `take()` after: what that state loaded.
 * The HTTP cache is off (CDP) so every state really loads its CSS and JS and the weight counts them.
 */
export async function instrument(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let rec;
  const reset = () => (rec = { requests: [], bodies: [], console: [], documents: [] });
  reset();
  page.on('request', (req) => rec.requests.push({ url: req.url(), type: req.resourceType() }));
  page.on('response', (res) => {
    const type = res.request().resourceType();
    const r = rec;
    if (type === 'document' && res.frame() === page.mainFrame()) r.documents.push({ url: res.url(), status: res.status() });
    if (['document', 'stylesheet', 'script'].includes(type)) {
      const entry = { url: res.url(), type, status: res.status() };
      r.bodies.push(
        res.body().then(
          (b) => ({ ...entry, bytes: b.length }),
          () => ({ ...entry, bytes: 0 }), // redirects have no body
        ),
      );
    }
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') rec.console.push({ text: msg.text(), url: msg.location()?.url ?? '' });
  });
  page.on('pageerror', (err) => rec.console.push({ text: `uncaught: ${err.message}`, url: '' }));
  return {
    cdp,
    reset,
    async take() {
      const r = rec;
      return { ...r, bodies: await Promise.all(r.bodies) };
    },
    /** The status of the last main-frame document the page loaded. */
    lastStatus() {
      return rec.documents.at(-1)?.status ?? null;
    },
  };
}

async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const d = document.documentElement;
    const cw = d.clientWidth;
    const sw = d.scrollWidth;
    if (sw <= cw) return null;
    const describe = (el) => {
      let s = el.tagName.toLowerCase();
      if (el.id) s += `#${el.id}`;
      if (el.classList.length) s += `.${[...el.classList].join('.')}`;
      return s;
    };
    const wide = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > cw + 0.5);
    const deepest = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o)));
    return {
      scrollWidth: sw,
      clientWidth: cw,
      offenders: deepest.slice(0, 5).map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`),
    };
  });
}

function overflowMessage(o, where) {
  return [`${where}: the page scrolls sideways (scrollWidth ${o.scrollWidth} > clientWidth ${o.clientWidth})`, ...o.offenders.map((x) => `  wider than the viewport: ${x}`)];
}

function sameOrigin(url, origin) {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * Checks the page as it is now. `ctx`:
 *   rec           the instrument() of this page (reset before the state was loaded)
 *   origin        the only origin requests may go to
 *   htmlLang      the expected <html lang>
 *   serviceName   what every <title> ends with
 *   statusOk      (status) => null if fine, or a message
 *   screenshot    path prefix (…/<slug>) for <prefix>-1280.png and <prefix>-320.png, or null
 * Returns { failures: Map<check, messages[]>, title, errorState, status, url }.
 */
export async function checkPage(page, ctx) {
  const failures = new Map();
  const fail = (check, ...messages) => failures.set(check, [...(failures.get(check) ?? []), ...messages.flat()]);

  const status = ctx.rec.lastStatus();
  const statusProblem = ctx.statusOk(status);
  if (statusProblem) fail('status', statusProblem);

  // Keyboard first: nothing on a freshly loaded page has focus yet, so Tab starts at the top.
  const kb = await checkKeyboard(page);
  if (kb.reach.length) fail('keyboard-reach', kb.reach);
  if (kb.focus.length) fail('focus-visible', kb.focus);

  const dom = await page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    title: document.title.replace(/\s+/g, ' ').trim(),
    h1s: [...document.querySelectorAll('h1')].map((h) => h.textContent.replace(/\s+/g, ' ').trim()),
    fontFaces: document.fonts.size,
    errorState: !!document.querySelector('[aria-invalid="true"], .error-summary'),
  }));
  if (dom.lang !== ctx.htmlLang) fail('lang', `<html lang="${dom.lang ?? ''}">, expected "${ctx.htmlLang}"`);
  if (dom.h1s.length !== 1) fail('one-h1', `${dom.h1s.length} h1 elements, expected exactly one${dom.h1s.length ? `: ${dom.h1s.map((t) => `"${t}"`).join(', ')}` : ''}`);
  if (!dom.title.endsWith(ctx.serviceName) || dom.title.length <= ctx.serviceName.length + 2) {
    fail('title', `<title>${dom.title}</title> should be "<page> – ${ctx.serviceName}"`);
  }

  // Legacy mode runs axe.run() in the page. The default (runPartial) opens a blank page per analysis to finish
  // the run, for cross-origin frames; the portal has no frames at all (CSP default-src 'none'), and it costs
  // about half a second a page on two cores.
  const axe = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] }) // options() replaces every option: it must come before withTags()
    .withTags(AXE_TAGS)
    .setLegacyMode(true)
    .analyze();
  for (const v of axe.violations) {
    fail('axe', `${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}`, v.nodes.map((n) => `  at ${n.target.join(' ')}`));
  }

  // Network: what this state loaded.
  const net = await ctx.rec.take();
  const weighed = net.bodies;
  const bytes = weighed.reduce((s, b) => s + b.bytes, 0);
  if (bytes >= WEIGHT_LIMIT) {
    fail('weight', `${bytes} bytes of HTML, CSS and JS (limit ${WEIGHT_LIMIT})`, weighed.filter((b) => b.bytes).map((b) => `  ${b.bytes} ${b.type} ${b.url}`));
  }
  const foreign = [...new Set(net.requests.filter((r) => !sameOrigin(r.url, ctx.origin)).map((r) => `${r.type} ${r.url}`))];
  if (foreign.length) fail('same-origin', foreign.map((f) => `request to another origin: ${f}`));
  const fonts = net.requests.filter((r) => r.type === 'font');
  if (fonts.length || dom.fontFaces) {
    fail('no-web-fonts', fonts.map((f) => `font request: ${f.url}`), dom.fontFaces ? [`${dom.fontFaces} @font-face rule(s) in the page's CSS`] : []);
  }
  const docUrls = new Set(net.documents.map((d) => d.url));
  const errors = net.console.filter(
    // Chromium logs a 4xx/5xx main document as "Failed to load resource"; the status check judges that one.
    (m) => !(m.text.startsWith('Failed to load resource') && docUrls.has(m.url)),
  );
  if (errors.length) fail('console', errors.map((m) => `console error: ${m.text}${m.url ? ` (${m.url})` : ''}`));

  // Widths. Screenshots are taken as we pass each width.
  if (ctx.screenshot) await shoot(page, `${ctx.screenshot}-${DESKTOP.width}.png`);
  await page.setViewportSize(NARROW);
  const narrow = await horizontalOverflow(page);
  if (narrow) fail('reflow-320', overflowMessage(narrow, '320 px'));
  if (ctx.screenshot) await shoot(page, `${ctx.screenshot}-${NARROW.width}.png`);
  await ctx.rec.cdp.send('Emulation.setDeviceMetricsOverride', { ...ZOOMED, mobile: false });
  const zoomed = await horizontalOverflow(page);
  if (zoomed) fail('reflow-zoom-200', overflowMessage(zoomed, '1280 px at 200 %'));
  await ctx.rec.cdp.send('Emulation.clearDeviceMetricsOverride');
  await page.setViewportSize(DESKTOP);

  return { failures, title: dom.title, errorState: dom.errorState, status, url: page.url(), weight: bytes };
}

async function shoot(page, path) {
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
