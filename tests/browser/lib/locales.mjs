// The three languages, and the service name each title ends with (read from the message files, not the page).
import { readFileSync } from 'node:fs';
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
