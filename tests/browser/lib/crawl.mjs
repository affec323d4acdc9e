// The crawler: from "/", every same-origin link, every form (sent empty and with bad values), every page checked.
import { join } from 'node:path';
import { checkPage, instrument } from './checks.mjs';

/** Paths the crawler never follows: language switch links (they only set a cookie and come back), assets. */
export const SKIP_PREFIXES = ['/language/', '/static/'];
/** Links and forms marked with one of these (on themselves or an ancestor) are not followed or sent. */
export const SKIP_MARKS = '[data-crawl="skip"], [data-sign-out], [data-destructive]';
/** rel tokens that mean "do not follow" for the crawler. */
export const SKIP_RELS = ['nofollow', 'external'];

/**
 * Where a link leads, as "path?query", or null when the crawler should not follow it.
 * link: { raw (the href attribute), abs (resolved URL), rel, marked, download }
 */
export function linkTarget(link, pageUrl, origin) {
  if (link.marked || link.download) return null;
  if (!link.raw || link.raw.trim().startsWith('#')) return null;
  if ((link.rel ?? '').split(/\s+/).some((r) => SKIP_RELS.includes(r.toLowerCase()))) return null;
  let url;
  try {
    url = new URL(link.abs, pageUrl);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  if (SKIP_PREFIXES.some((p) => url.pathname.startsWith(p))) return null;
  const here = new URL(pageUrl);
  if (url.hash && url.pathname === here.pathname && url.search === here.search) return null; // this page
  return url.pathname + url.search;
}

async function collectLinks(page) {
  return page.evaluate(
    (marks) =>
      [...document.querySelectorAll('a[href], area[href]')].map((a) => ({
        raw: a.getAttribute('href'),
        abs: a.href,
        rel: a.getAttribute('rel') ?? '',
        marked: !!a.closest(marks),
        download: a.hasAttribute('download'),
      })),
    SKIP_MARKS,
  );
}

async function collectForms(page) {
  return page.evaluate(
    (marks) =>
      [...document.forms].map((f, index) => ({
        index,
        method: (f.getAttribute('method') || 'get').toLowerCase(),
        action: f.action,
        marked: !!f.closest(marks),
        fields: [...f.elements]
          .filter((e) => e.name && e.type !== 'hidden' && e.type !== 'submit')
          .map((e) => e.name)
          .sort(),
      })),
    SKIP_MARKS,
  );
}

const FILLABLE =
  'input:not([type="hidden"]):not([type="submit"]):not([type="button"]):not([type="reset"]):not([type="image"]), textarea, select';

/** A value that should be refused, by the kind of field. */
function badValue(f) {
  if (f.tag === 'textarea') return '!'.repeat(10_001); // longer than any message the portal accepts
  if (f.type === 'email') return 'not-an-email';
  if (f.type === 'number' || f.inputMode === 'numeric' || f.inputMode === 'decimal') return 'abc';
  if (f.type === 'tel') return 'abc';
  if (f.type === 'url') return 'not a url';
  if (['text', 'search', 'password'].includes(f.type)) return '!!!';
  return null; // dates, colours, files, checkboxes, radios, selects: left as they are
}

/** Fills a form `empty` or with `bad` values, as a person would (Playwright fills and clicks). */
async function fillForm(form, mode) {
  const fields = form.locator(FILLABLE);
  const n = await fields.count();
  for (let i = 0; i < n; i++) {
    const field = fields.nth(i);
    const f = await field.evaluate((e) => ({
      tag: e.tagName.toLowerCase(),
      type: (e.type || '').toLowerCase(),
      inputMode: e.inputMode,
      off: e.disabled || e.readOnly,
      hasEmptyOption: e.tagName === 'SELECT' && [...e.options].some((o) => o.value === ''),
    }));
    if (f.off || !(await field.isVisible())) continue;
    if (mode === 'empty') {
      if (f.type === 'checkbox') await field.setChecked(false);
      else if (f.tag === 'select') {
        if (f.hasEmptyOption) await field.selectOption('');
      } else if (!['radio', 'file', 'range', 'color'].includes(f.type)) await field.fill('');
    } else {
      const v = badValue(f);
      if (v === null) continue;
      if (f.type === 'number') {
        await field.fill('');
        await field.pressSequentially(v); // fill() refuses non-numbers; typing goes through the browser's rules
      } else await field.fill(v);
    }
  }
}

function slugOf(pathAndQuery, state) {
  const [path, query] = pathAndQuery.split('?');
  let slug = path === '/' ? 'home' : path.replace(/^\/|\/$/g, '').replace(/[^A-Za-z0-9_-]+/g, '-');
  if (query) slug += `-q${hash(query)}`;
  return state === 'page' ? slug : `${slug}--${state.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

function hash(s) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.codePointAt(0)) >>> 0;
  return h.toString(36);
}

const pageStatus = (expected) => (s) =>
  s === expected ? null : `HTTP ${s ?? 'no response'}, expected ${expected}`;

/**
 * After a form is sent: a page with errors (400/422), the form again because the record moved on meanwhile (409:
 * two crawls of one insurer may both start a run; the page says one is already going), or the next page (200 after
 * a redirect).
 */
const formStatus = (s) => {
  if (s === 200 || s === 400 || s === 409 || s === 422) return null;
  if (s === 403) return 'HTTP 403: the form was refused (did the CSRF token go along?)';
  return `HTTP ${s ?? 'no response'} after sending the form`;
};

/**
 * Crawls as one role in one locale, in a fresh browser context. `seeds`: [{ path, status, shows? }] — "/" (200)
 * and a page that does not exist (404) so the error page is checked too; `shows` (CSS selectors) must each
 * match on the seed's page (`content`), so a page meant to be crawled with data is not crawled empty.
 */
export async function crawl({ launched, base, role, locale, seeds, maxPages, report, titles, shotsDir }) {
  const origin = new URL(base).origin;
  const context = await launched.newContext({ locale: locale.acceptLanguage });
  context.setDefaultTimeout(15_000);
  await context.addCookies([{ name: 'lang', value: locale.code, url: base }]);
  const page = await context.newPage();
  const rec = await instrument(page);
  const stats = { pages: 0, forms: 0 };

  const record = async ({ kind, path, state, statusOk, extraFailures = [], sentFromPage = null }) => {
    const result = await checkPage(page, {
      rec,
      origin,
      htmlLang: locale.htmlLang,
      serviceName: locale.serviceName,
      statusOk,
      screenshot: shotsDir ? join(shotsDir, role.name, locale.code, slugOf(path, state)) : null,
    });
    const at = new URL(result.url);
    // Forms posted to addresses under their page's (a review's "accept" and "return") and sent back with errors
    // show that page in an error state, one title for both: one state of the page for the title rules.
    const sentFrom = sentFromPage ?? at.pathname;
    const underIt = kind === 'form' && result.errorState && at.pathname.startsWith(`${sentFrom}/`);
    const titleProblems = titles.check({
      locale: locale.code,
      path: underIt ? `${sentFrom}/(a form of it)` : at.pathname,
      state,
      title: result.title,
      errorState: result.errorState,
    });
    if (titleProblems.length) result.failures.set('title', [...(result.failures.get('title') ?? []), ...titleProblems]);
    for (const [check, messages] of extraFailures) result.failures.set(check, messages);
    const landed = at.pathname + at.search;
    report.add({
      kind,
      role: role.name,
      locale: locale.code,
      path,
      state,
      failures: result.failures,
      extra: `${result.status ?? '---'} ${result.weight} B${landed !== path ? ` → ${landed}` : ''}`,
    });
    return result;
  };

  try {
    rec.reset();
    await role.signIn(page, base);
    const expected = new Map(seeds.map((s) => [s.path, s.status]));
    const shows = new Map(seeds.filter((s) => s.shows).map((s) => [s.path, s.shows]));
    const queue = seeds.map((s) => s.path);
    const seen = new Set(queue);
    const formsDone = new Set();
    const follow = async () => {
      for (const link of await collectLinks(page)) {
        const t = linkTarget(link, page.url(), origin);
        if (t && !seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    };

    while (queue.length) {
      if (stats.pages >= maxPages) {
        report.note(`${role.name}/${locale.code}: stopped at ${maxPages} pages, ${queue.length} not visited`);
        break;
      }
      const path = queue.shift();
      stats.pages++;
      rec.reset();
      await page.goto(base + path, { waitUntil: 'load' });
      const missing = [];
      for (const selector of shows.get(path) ?? []) {
        if ((await page.locator(selector).count()) === 0) missing.push(`nothing matches ${selector}`);
      }
      const extraFailures = missing.length ? [['content', missing]] : [];
      await record({ kind: 'page', path, state: 'page', statusOk: pageStatus(expected.get(path) ?? 200), extraFailures });
      await follow();

      const forms = await collectForms(page);
      for (const f of forms) {
        const action = new URL(f.action);
        if (f.marked || action.origin !== origin || SKIP_PREFIXES.some((p) => action.pathname.startsWith(p))) continue;
        const id = `${f.method} ${action.pathname} ${f.fields.join(',')}`;
        if (formsDone.has(id)) continue; // the same form on another page (a header form, say) is sent once
        formsDone.add(id);
        for (const mode of ['empty', 'bad']) {
          stats.forms++;
          const state = `form${forms.length > 1 ? f.index + 1 : ''}-${mode}`;
          await page.goto(base + path, { waitUntil: 'load' });
          // Found again by what it is, not where it was: another crawl (the same officer in another language,
          // say) may have decided the record meanwhile, and its form is gone or another one is in its place.
          const now = (await collectForms(page)).find((g) => g.action === f.action && g.method === f.method && g.fields.join(',') === f.fields.join(','));
          if (!now) {
            report.note(`${role.name}/${locale.code}: ${id} on ${path} was gone when it was to be sent ${mode} (the record moved on)`);
            break;
          }
          const form = page.locator('form').nth(now.index);
          const sentFromPage = new URL(page.url()).pathname;
          // A form inside a closed disclosure (<details>) is opened first, as a person would.
          await form.evaluate((el) => {
            for (let d = el.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
          });
          await fillForm(form, mode);
          const submit = form.locator('button:not([type="button"]):not([type="reset"]), input[type="submit"], input[type="image"]').first();
          if ((await submit.count()) === 0) {
            report.add({ kind: 'form', role: role.name, locale: locale.code, path, state, failures: new Map([['status', [`form ${id} has no submit button`]]]) });
            continue;
          }
          rec.reset();
          // Settled at once, so a slow click cannot leave the wait's rejection unhandled (which ends the run).
          const loaded = page.waitForEvent('load', { timeout: 10_000 }).then(() => true, () => false);
          await submit.click();
          if (!(await loaded)) {
            report.add({
              kind: 'form', role: role.name, locale: locale.code, path, state,
              failures: new Map([['status', [`sending form ${id} loaded no page (browser validation? forms use novalidate and answer with an error summary)`]]]),
            });
            continue;
          }
          const result = await record({ kind: 'form', path, state, statusOk: formStatus, sentFromPage });
          await follow();
          // A form that leads to another page (a confirmation) makes that page part of the crawl.
          const at = new URL(result.url);
          const next = at.pathname + at.search;
          if (at.origin === origin && at.pathname !== new URL(base + path).pathname && result.status === 200 && !seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
    }
  } finally {
    await context.close();
  }
  return stats;
}
