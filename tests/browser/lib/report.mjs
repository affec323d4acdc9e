// One line per page or state as it is checked, the reasons under a failing one, and the totals at the end.
import { CHECKS } from './checks.mjs';

const order = (check) => {
  const i = CHECKS.indexOf(check);
  return i === -1 ? CHECKS.length : i;
};

export class Report {
  constructor(out = (line) => console.log(line)) {
    this.out = out;
    this.results = [];
    this.pending = [];
  }

  /**
   * kind: 'page' (a GET of a crawled page), 'form' (a form sent empty or with bad values), 'flow', 'self-test',
   * 'passkeys'. failures: Map(check → messages) or [[check, messages]].
   */
  add({ kind, role, locale, path, state, failures = new Map(), extra = '' }) {
    const list = [...failures].filter(([, m]) => m.length).sort(([a], [b]) => order(a) - order(b));
    const ok = list.length === 0;
    this.results.push({ kind, ok, role, locale, path });
    const cols = [ok ? 'PASS' : 'FAIL', kind.padEnd(9), role.padEnd(10), locale.padEnd(7), path.padEnd(28), state];
    this.out(`${cols.join(' ')}${extra ? `  ${extra}` : ''}`);
    for (const [check, messages] of list) {
      this.out(`    ✗ ${check}`);
      for (const m of messages) this.out(`        ${m}`);
    }
    return ok;
  }

  note(line) {
    this.out(`NOTE ${line}`);
  }

  /**
   * A part of the run that may go on beside others (a crawl, a flow): its results count at once, its lines are
   * printed together under `heading` when it calls flush(), and parts are printed in the order they were made.
   */
  section(heading) {
    const entry = { lines: [`\n== ${heading}`], done: false };
    this.pending.push(entry);
    const part = Object.create(this);
    part.out = (line) => entry.lines.push(line);
    part.flush = () => {
      entry.done = true;
      while (this.pending.length && this.pending[0].done) this.pending.shift().lines.forEach((l) => this.out(l));
    };
    return part;
  }

  get failed() {
    return this.results.filter((r) => !r.ok).length;
  }

  get passed() {
    return this.results.filter((r) => r.ok).length;
  }

  /** The counts, and as the very last line "N passed, M failed" (results: page states, flows, self-tests). */
  finish({ seconds, error } = {}) {
    const count = (kind) => this.results.filter((r) => r.kind === kind).length;
    for (const entry of this.pending.splice(0)) entry.lines.forEach((l) => this.out(l)); // parts cut short
    const pages = this.results.filter((r) => r.kind === 'page');
    const distinct = (key) => new Set(pages.map((r) => r[key])).size;
    const states = count('page') + count('form') + count('flow');
    this.out('');
    this.out(
      `pages checked: ${pages.length} (${distinct('path')} paths × ${distinct('locale')} locales × ${distinct('role')} roles); ` +
        `states checked: ${states} (${count('page')} page loads, ${count('form')} form states, ${count('flow')} keyboard-flow steps)`,
    );
    this.out(
      `harness self-tests: ${count('self-test')} (fixtures, crawler and title rules), passkeys: ${count('passkeys')}` +
        (seconds !== undefined ? `; ${seconds.toFixed(1)} s` : ''),
    );
    let failed = this.failed;
    if (error) {
      this.out(`the suite stopped early: ${error.stack ?? error}`);
      failed += 1;
    }
    this.out(`${this.passed} passed, ${failed} failed`);
    return failed;
  }
}

/**
 * Titles differ from page to page in one locale. The same page may be reached again (other roles, form states);
 * an error state of a page must keep the page's title behind an error prefix ("Error: Contact – Service").
 */
/**
 * The same page for another record (another request, another draft) is the same page: ids become ":id", and a
 * certificate's verification code (`/verify/{code}`) becomes ":code".
 */
export function pageKey(path) {
  const [pathname, query] = path.split('?');
  const key = pathname
    .split('/')
    .map((seg, i, segs) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(seg) || /^rep-demo-\d+$/.test(seg)
        ? ':id'
        : i === 2 && segs[1] === 'verify' && seg
          ? ':code'
          : seg,
    )
    .join('/');
  return query ? `${key}?${query}` : key;
}

export class Titles {
  constructor() {
    this.owner = new Map(); // locale → title → path
    this.clean = new Map(); // locale → path → title of the page without errors
  }

  check({ locale, path: rawPath, state, title, errorState }) {
    const path = pageKey(rawPath);
    const problems = [];
    const owners = this.owner.get(locale) ?? this.owner.set(locale, new Map()).get(locale);
    const clean = this.clean.get(locale) ?? this.clean.set(locale, new Map()).get(locale);
    const owner = owners.get(title);
    if (owner !== undefined && owner !== path) problems.push(`"${title}" is also the title of ${owner}`);
    if (owner === undefined) owners.set(title, path);
    if (errorState) {
      const plain = clean.get(path);
      if (plain !== undefined && (title === plain || !title.endsWith(plain))) {
        problems.push(`"${title}" shows errors but does not say so: expected an error prefix before "${plain}"`);
      }
    } else if (state === 'page' && !clean.has(path)) {
      clean.set(path, title);
    }
    return problems;
  }
}
