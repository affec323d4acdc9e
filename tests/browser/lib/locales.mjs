// The three languages, and the service name each title ends with (read from the message files, not the page).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './portal.mjs';

/** `[漢字|かんじ]` → 漢字 (titles carry the base text), `{" "}` → a space. */
export function plainText(message) {
  return message
    .replace(/\[([^|\]]+)\|[^\]]*\]/g, '$1')
    .replace(/\{\s*"([^"]*)"\s*\}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function serviceName(code) {
  const ftl = readFileSync(join(REPO_ROOT, 'locales', code, 'main.ftl'), 'utf8');
  const m = ftl.match(/^service-name\s*=\s*(.+)$/m);
  if (!m) throw new Error(`locales/${code}/main.ftl has no service-name`);
  return plainText(m[1]);
}

export const LOCALES = [
  { code: 'ja', htmlLang: 'ja', acceptLanguage: 'ja-JP' },
  { code: 'en', htmlLang: 'en', acceptLanguage: 'en-GB' },
  { code: 'ja-easy', htmlLang: 'ja', acceptLanguage: 'ja-JP' },
].map((l) => ({ ...l, serviceName: serviceName(l.code) }));

/** A message of a locale as plain text (`[漢字|かんじ]` → 漢字), from any of its message files. */
export function message(code, id) {
  const dir = join(REPO_ROOT, 'locales', code);
  const line = new RegExp(`^${id.replace(/[-]/g, '\\-')}\\s*=\\s*(.+)$`, 'm');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl')).sort()) {
    const m = readFileSync(join(dir, file), 'utf8').match(line);
    if (m) return plainText(m[1]);
  }
  throw new Error(`locales/${code} has no message ${id}`);
}

/** The text a sighted reader sees in the first element matching `selector`, ruby readings left out. */
export async function visibleText(page, selector) {
  const text = await page.locator(selector).first().evaluate((el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('rt, rp').forEach((r) => r.remove());
    return copy.textContent;
  });
  return text.replace(/\s+/g, ' ').trim();
}
