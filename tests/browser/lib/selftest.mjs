// The harness checks itself first: fixture pages with one known fault each must be caught by the right check,
// and a clean fixture must pass every check. If this fails, the suite fails: its verdicts cannot be trusted.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { checkPage, instrument } from './checks.mjs';
import { linkTarget } from './crawl.mjs';
import { Titles } from './report.mjs';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');

/** fixture → the checks that must catch it (and, where a fault has a second symptom, what else may fail). */
export const CASES = [
  { file: 'clean.html', catches: [] },
  { file: 'best-practice-only.html', catches: [] }, // axe runs the WCAG A/AA rules only, not best practices
  { file: 'unlabeled-input.html', catches: ['axe'], rule: 'label' },
  { file: 'sideways-scroll.html', catches: ['reflow-320'] },
  { file: 'two-h1.html', catches: ['one-h1'] },
  { file: 'invisible-focus.html', catches: ['focus-visible'], messages: 2 }, // two links, both must be named
  { file: 'unreachable-link.html', catches: ['keyboard-reach'] },
  { file: 'wrong-lang.html', catches: ['lang'] },
  { file: 'bad-title.html', catches: ['title'] },
  { file: 'web-font.html', catches: ['no-web-fonts'], mayAlsoFail: ['console'] }, // the font file is a 404
  { file: 'other-origin.html', catches: ['same-origin'] },
  { file: 'heavy.html', catches: ['weight'] },
];

const TYPES = { '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml', '.css': 'text/css' };

/** A tiny static server for the fixtures on http://localhost:PORT; {{PORT}} and {{PAD:n}} are filled in. */
export async function serveFixtures() {
  const server = createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
    if (!/^[a-z0-9-]+\.[a-z0-9]+$/.test(name)) return res.writeHead(404).end('not found');
    try {
      let body = await readFile(join(FIXTURES, name), 'utf8');
      body = body
        .replaceAll('{{PORT}}', String(server.address().port))
        .replace(/\{\{PAD:(\d+)\}\}/g, (_, n) => 'x'.repeat(Number(n)));
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    base: `http://localhost:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Rules of the crawler and the title registry, without a browser. Returns problems. */
function unitChecks() {
  const problems = [];
  const origin = 'http://localhost:1';
  const page = `${origin}/contact`;
  const link = (raw, extra = {}) => ({ raw, abs: new URL(raw, page).href, rel: '', marked: false, download: false, ...extra });
  const expect = (l, want) => {
    const got = linkTarget(l, page, origin);
    if (got !== want) problems.push(`linkTarget(${JSON.stringify(l.raw)}${l.marked ? ', marked' : ''}${l.rel ? `, rel=${l.rel}` : ''}) = ${got}, expected ${want}`);
  };
  expect(link('/privacy'), '/privacy');
  expect(link('dates?era=R'), '/dates?era=R');
  expect(link('/privacy#cookies'), '/privacy');
  expect(link('#main'), null);
  expect(link('/contact#feedback'), null);
  expect(link('/language/en?back=%2F'), null);
  expect(link('/static/app.css'), null);
  expect(link('https://example.org/'), null);
  expect(link('//example.org/x'), null);
  expect(link('mailto:a@example.org'), null);
  expect(link('/sign-out', { marked: true }), null);
  expect(link('/account/delete', { rel: 'nofollow' }), null);
  const t = new Titles();
  const ok = (p, what) => p.length === 0 || problems.push(`titles: ${what} was refused: ${p.join('; ')}`);
  const bad = (p, what) => p.length > 0 || problems.push(`titles: ${what} was not caught`);
  ok(t.check({ locale: 'en', path: '/a', state: 'page', title: 'A – S', errorState: false }), 'a first title');
  ok(t.check({ locale: 'en', path: '/a', state: 'page', title: 'A – S', errorState: false }), 'the same page again');
  ok(t.check({ locale: 'ja', path: '/b', state: 'page', title: 'A – S', errorState: false }), 'the same title in another locale');
  bad(t.check({ locale: 'en', path: '/b', state: 'page', title: 'A – S', errorState: false }), 'a second page with the same title');
  ok(t.check({ locale: 'en', path: '/a', state: 'form-bad', title: 'Error: A – S', errorState: true }), 'an error state with a prefix');
  bad(t.check({ locale: 'en', path: '/a', state: 'form-empty', title: 'A – S', errorState: true }), 'an error state without a prefix');
  ok(t.check({ locale: 'en', path: '/verify/AbCdEfGhIjKlMnOpQr-_', state: 'page', title: 'V – S', errorState: false }), 'a verification page');
  ok(t.check({ locale: 'en', path: '/verify/ZzCdEfGhIjKlMnOpQr12', state: 'page', title: 'V – S', errorState: false }), 'another code on the same page');
  bad(t.check({ locale: 'en', path: '/verify', state: 'page', title: 'V – S', errorState: false }), 'another page with the title of the verification page');
  return problems;
}

export async function selfTest(launched, report) {
  const server = await serveFixtures();
  let allOk = true;
  try {
    for (const c of CASES) {
      const context = await launched.newContext({ locale: 'en-GB' });
      context.setDefaultTimeout(15_000);
      try {
        const page = await context.newPage();
        const rec = await instrument(page);
        rec.reset();
        await page.goto(`${server.base}/${c.file}`, { waitUntil: 'load' });
        const r = await checkPage(page, {
          rec,
          origin: server.base,
          htmlLang: 'en',
          serviceName: 'Fixture service',
          statusOk: (s) => (s === 200 ? null : `HTTP ${s}`),
          screenshot: null,
        });
        const failed = [...r.failures.keys()];
        const problems = [];
        for (const check of c.catches) {
          if (!failed.includes(check)) problems.push(`the ${check} check did not catch this fixture`);
        }
        if (c.messages && (r.failures.get(c.catches[0]) ?? []).length !== c.messages) {
          problems.push(`${c.catches[0]} named ${(r.failures.get(c.catches[0]) ?? []).length} problems, expected ${c.messages}`);
        }
        if (c.rule && !(r.failures.get('axe') ?? []).some((m) => m.startsWith(`${c.rule} `))) {
          problems.push(`axe did not report the ${c.rule} rule`);
        }
        for (const check of failed) {
          if (!c.catches.includes(check) && !(c.mayAlsoFail ?? []).includes(check)) {
            problems.push(`the ${check} check failed on a fixture that is fine for it:`, ...r.failures.get(check).map((m) => `  ${m}`));
          }
        }
        const state = c.catches.length ? `caught by ${c.catches.join(', ')}` : 'passes every check';
        allOk = report.add({ kind: 'self-test', role: 'harness', locale: 'en', path: `/${c.file}`, state, failures: new Map([['self-test', problems]]) }) && allOk;
      } finally {
        await context.close();
      }
    }
  } finally {
    await server.close();
  }
  const unit = unitChecks();
  allOk = report.add({ kind: 'self-test', role: 'harness', locale: '-', path: '(crawler and title rules)', state: 'link filter, title registry', failures: new Map([['self-test', unit]]) }) && allOk;
  return allOk;
}
