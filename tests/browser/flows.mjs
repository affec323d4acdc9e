// Keyboard-only journeys: Tab, Shift+Tab, Enter, Space and typing, nothing else (no clicks, no fill()).
// Each flow runs in every locale as the role it names, in a fresh context; `check(state)` puts the page it has
// reached through every page check (and takes its screenshots). Add a flow by adding an object here, e.g.
// "a resident requests a certificate and sees it in their list" once accounts exist.
import { focusWithKeyboard, pressUntilFocused } from './lib/keyboard.mjs';
import { message, visibleText } from './lib/locales.mjs';
import { addVirtualAuthenticator } from './lib/passkeys.mjs';
import { newestMailBody, oneAtATime } from './roles.mjs';
import { expressFlows } from './express.mjs';

export const SUBMIT = 'main form button[type="submit"]';

/** Picks a radio button with the keyboard: Tab into the group, then arrow keys until it is the one. */
export async function choose(page, value) {
  await focusWithKeyboard(page, 'main input[type="radio"]');
  await pressUntilFocused(page, `main input[type="radio"][value="${value}"]`, { key: 'ArrowDown', max: 10 });
  await page.keyboard.press('Space');
}

/** Picks an option of a closed <select> with the arrow keys (it has focus already). */
async function selectWithArrows(page, value) {
  for (let i = 0; i < 20; i++) {
    if ((await page.evaluate(() => document.activeElement.value)) === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the arrow keys never chose ${value}`);
}

/** Types into the focused field in place of what it holds (Ctrl+A first, as a person replaces a value). */
export async function typeOver(page, text) {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/** Types into the focused field unless the account filled it in already. */
export async function typeIfEmpty(page, text) {
  if ((await page.evaluate(() => document.activeElement.value)) === '') await page.keyboard.type(text);
}

/** Throws unless the text the page shows at `selector` includes the message `id` in the flow's locale. */
export async function expectMessage(page, locale, selector, id) {
  const want = message(locale.code, id).replace(/\{[^}]*\}/g, '').trim();
  const got = await visibleText(page, selector);
  if (!got.includes(want)) throw new Error(`${selector} says "${got}", expected "${want}" (${id})`);
}

/**
 * One request at a time per person: the portal continues a person's newest draft, so two languages of the same
 * flow running at once (BROWSER_CONCURRENCY) would fill in, and send, the same draft.
 */
const filing = new Map();
export function onePerPerson(person, work) {
  const run = (filing.get(person) ?? Promise.resolve()).then(work, work);
  filing.set(person, run.catch(() => {}));
  return run;
}

/**
 * From the start page through every question of a certificate request to its confirmation and the list of
 * requests. `answers`: { forWhom (a radio value, or null for the first choice), reason, insurer, symbol, number,
 * delivery, contact }.
 */
async function requestCertificate({ page, go, pressAndLoad, check, expectPath }, a) {
  await go('/');
  await focusWithKeyboard(page, 'main a[href="/certificates"]');
  await pressAndLoad('Enter');
  expectPath('/certificates');
  await focusWithKeyboard(page, 'main a[href="/certificates/new"]');
  await pressAndLoad('Enter');
  // A draft the person left (the crawler's, say) is continued at its first open question, and after each answer
  // the next open one comes: so before each question the flow goes back (the back link) until it is on it.
  const STEPS = ['for-whom', 'reason', 'insurer', 'insured', 'name', 'birth-date', 'delivery', 'contact', 'check'];
  const at = async (slug) => {
    const here = STEPS.indexOf(new URL(page.url()).pathname.split('/').pop());
    if (here !== -1 && here < STEPS.indexOf(slug)) {
      const errors = await page.locator('.error-summary').allInnerTexts();
      throw new Error(`still on ${STEPS[here]}, not on ${slug}: ${errors.join(' ').replace(/\s+/g, ' ')}`);
    }
    for (let i = 0; i < 10 && !new URL(page.url()).pathname.endsWith(`/${slug}`); i++) {
      await focusWithKeyboard(page, 'a.back-link');
      await pressAndLoad('Enter');
    }
    if (!new URL(page.url()).pathname.endsWith(`/${slug}`)) throw new Error(`the back links never led to ${slug}`);
  };
  const next = async () => {
    await focusWithKeyboard(page, SUBMIT);
    await pressAndLoad('Enter');
  };
  await at('for-whom');
  if (a.forWhom) await choose(page, a.forWhom);
  else {
    await focusWithKeyboard(page, 'main input[type="radio"]'); // the first choice is the person themself
    await page.keyboard.press('Space');
  }
  await next();
  await at('reason');
  await choose(page, a.reason);
  await next();
  await at('insurer');
  await focusWithKeyboard(page, 'input[name="insurer_number"]');
  await typeOver(page, a.insurer);
  await pressAndLoad('Enter');
  await at('insured');
  if (a.symbol || (await page.locator('input[name="symbol"]').inputValue()) !== '') {
    await focusWithKeyboard(page, 'input[name="symbol"]');
    if (a.symbol) await typeOver(page, a.symbol);
    else {
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Backspace');
    }
  }
  await focusWithKeyboard(page, 'input[name="number"]');
  await typeOver(page, a.number);
  await pressAndLoad('Enter');
  // Name and date of birth come filled in from the account (the ward's, when acting for one): check and go on.
  await at('name');
  await next();
  await at('birth-date');
  await next();
  await at('delivery');
  await choose(page, a.delivery);
  if (a.delivery === 'post') {
    await focusWithKeyboard(page, 'input[name="postal_code"]');
    await typeIfEmpty(page, '999-0001');
    await focusWithKeyboard(page, 'input[name="address"]');
    await typeIfEmpty(page, 'あおば市中央1-2-3 ひだまり荘');
  }
  await next();
  await at('contact');
  await choose(page, a.contact);
  await next();
  if (!/\/check$/.test(new URL(page.url()).pathname)) throw new Error(`expected the check page, on ${page.url()}`);
  await check('check-answers');
  await focusWithKeyboard(page, SUBMIT);
  await pressAndLoad('Space');
  const reference = (await page.locator('.reference').innerText()).trim();
  if (!/^R-[0-9A-Z]{4}-[0-9A-Z]{4}-.$/.test(reference)) throw new Error(`no reference number on the confirmation: ${reference}`);
  await check('confirmation');
  await focusWithKeyboard(page, 'main a[href="/requests"]');
  await pressAndLoad('Enter');
  expectPath('/requests');
  const listed = await page.locator('.request-list__ref').allInnerTexts();
  if (!listed.includes(reference)) throw new Error(`${reference} is not in the list: ${JSON.stringify(listed)}`);
  await check('listed');
  return reference;
}

/**
 * On a certificate page: follows its verification link to /verify/{code} and checks the status shown there, then
 * opens the same address again signed out (as a clinic would, with no account) and checks it again. Only that last
 * state goes through every page check (the signed-in pages on the way are crawled already: time is short on CI).
 */
async function verifyFromCertificate({ page, base, locale, go, pressAndLoad, check }, status, state) {
  const qr = page.locator('main svg.certificate__qr[role="img"]');
  if ((await qr.count()) !== 1 || !(await qr.getAttribute('aria-label'))) throw new Error('the certificate has no QR code with a text alternative');
  await focusWithKeyboard(page, 'main a[href^="/verify/"]');
  await pressAndLoad('Enter');
  const path = new URL(page.url()).pathname;
  if (!/^\/verify\/[A-Za-z0-9_-]{20}$/.test(path)) throw new Error(`the verification link led to ${path}`);
  await expectMessage(page, locale, `.verify-result--${status} .verify-status`, `office-cert-status-${status}`);
  await page.context().clearCookies();
  await page.context().addCookies([{ name: 'lang', value: locale.code, url: base }]);
  await go(path);
  if ((await page.locator('form[action="/sign-out"]').count()) !== 0) throw new Error('still signed in');
  await expectMessage(page, locale, `.verify-result--${status} .verify-status`, `office-cert-status-${status}`);
  await check(`verify-${state}-signed-out`);
}

export const flows = [
  {
    name: 'contact-feedback',
    role: 'anonymous',
    description: 'from the start page to the contact page, send the feedback form (first empty, then filled), see the confirmation',
    async run({ page, base, go, pressAndLoad, check, expectPath }) {
      await go('/');
      await focusWithKeyboard(page, 'a[href="/contact"]');
      await pressAndLoad('Enter');
      expectPath('/contact');

      // Sent empty: the error summary links to the field that needs text.
      await focusWithKeyboard(page, 'main form button[type="submit"]');
      await pressAndLoad('Enter');
      await focusWithKeyboard(page, '.error-summary a[href="#message"]');
      await page.keyboard.press('Enter');
      await focusWithKeyboard(page, 'textarea[name="message"]');
      await page.keyboard.type('The date converter helped me find my birthday in 西暦. Thank you.');
      await pressUntilFocused(page, 'input[name="reply_to"]');
      await page.keyboard.type('resident@example.jp');
      await pressUntilFocused(page, 'main form button[type="submit"]');
      await pressAndLoad('Space');
      expectPath('/contact/sent');
      if (!(await page.locator('h1').isVisible())) throw new Error('the confirmation has no visible heading');
      await check('confirmation');
    },
  },
  {
    name: 'dates-convert',
    role: 'anonymous',
    description: 'from the start page to the date converter, type a Western date, press Enter in the last field, see the result',
    async run({ page, go, pressAndLoad, check, expectPath }) {
      await go('/');
      await focusWithKeyboard(page, 'main a[href="/dates"]');
      await pressAndLoad('Enter');
      expectPath('/dates');
      await focusWithKeyboard(page, 'input[name="year"]'); // the era stays "Western calendar"
      await page.keyboard.type('1985');
      await pressUntilFocused(page, 'input[name="month"]');
      await page.keyboard.type('1');
      await pressUntilFocused(page, 'input[name="day"]');
      await page.keyboard.type('2');
      await pressAndLoad('Enter'); // implicit submission from a text field
      expectPath('/dates');
      const result = await page.locator('[role="status"] dd').allInnerTexts();
      if (!result.includes('1985-01-02')) throw new Error(`no result for 1985-01-02 on the page: ${JSON.stringify(result)}`);
      await check('result');
    },
  },
  {
    name: 'certificate-request',
    role: 'resident-for-flows',
    description: 'a resident asks for a qualification certificate, question by question, and sees it in their list',
    async run(api) {
      await onePerPerson('p-maria', () => requestCertificate(api, {
        forWhom: 'p-maria',
        reason: 'cannot-use-card',
        insurer: '01130012',
        symbol: '1234567',
        number: '42',
        delivery: 'download',
        contact: 'email',
      }));
    },
  },
  {
    name: 'guardian-certificate-request',
    role: 'guardian',
    description:
      "a guardian asks for a certificate for her ward (whose last one has expired, which his request's certificate and /verify say), by post, and sees the request in her list",
    async run(api) {
      const { page, locale, pressAndLoad, check, expectPath } = api;
      const reference = await onePerPerson('p-hanako', () => requestCertificate(api, {
        forWhom: 'p-ichiro',
        reason: 'lost-or-renewing',
        insurer: '39131016',
        symbol: '',
        number: '10000016',
        delivery: 'post',
        contact: 'email',
      }));
      const item = page.locator('.request-list__item', { hasText: reference });
      await expectMessage(page, locale, `.request-list__item:has(.request-list__ref:text-is("${reference}")) .tag`, 'request-state-submitted');
      if ((await item.count()) !== 1) throw new Error(`${reference} is listed ${await item.count()} times`);
      // The ward's earlier request was issued; its certificate has run out.
      await focusWithKeyboard(page, '.request-list__item:has(.tag--issued) a');
      await pressAndLoad('Enter');
      await expectMessage(page, locale, 'main .tag--state', 'request-state-issued');
      await focusWithKeyboard(page, 'main a[href^="/certificates/issued/"]');
      await pressAndLoad('Enter');
      if (!new URL(page.url()).pathname.startsWith('/certificates/issued/')) throw new Error(`not on a certificate: ${page.url()}`);
      await expectMessage(page, locale, '.certificate-status--expired', 'office-cert-status-expired');
      await verifyFromCertificate(api, 'expired', 'expired');
      expectPath(new URL(page.url()).pathname);
    },
  },
  {
    name: 'certificate-states',
    role: 'resident',
    description:
      'a resident sees why a request was declined, then opens the certificate a reissue revoked and checks it at /verify, signed in and signed out',
    async run(api) {
      const { page, locale, go, pressAndLoad, check, expectPath } = api;
      await go('/');
      await focusWithKeyboard(page, 'a[href="/requests"]');
      await pressAndLoad('Enter');
      expectPath('/requests');
      await focusWithKeyboard(page, '.request-list__item:has(.tag--declined) a');
      await pressAndLoad('Enter');
      await expectMessage(page, locale, 'main .tag--state', 'request-state-declined');
      await expectMessage(page, locale, 'main .panel', 'office-cert-decline-card-usable');
      await focusWithKeyboard(page, 'a.back-link[href="/requests"]');
      await pressAndLoad('Enter');
      // The first request was issued, and its certificate revoked when the second one was issued.
      const issued = page.locator('.request-list__item:has(.tag--issued) a');
      if ((await issued.count()) < 2) throw new Error(`expected two issued requests, found ${await issued.count()}`);
      await focusWithKeyboard(page, '.request-list__item:has(.tag--issued) ~ .request-list__item:has(.tag--issued) a');
      await pressAndLoad('Enter');
      await expectMessage(page, locale, 'main .tag--state', 'request-state-issued');
      await focusWithKeyboard(page, 'main a[href^="/certificates/issued/"]');
      await pressAndLoad('Enter');
      await expectMessage(page, locale, '.certificate-status--revoked', 'office-cert-status-revoked');
      await verifyFromCertificate(api, 'revoked', 'revoked');
    },
  },
  {
    name: 'officer-issues-certificate',
    role: 'insurer-officer-kyokai',
    description:
      'an insurer officer filters the queue, opens a request, starts checking, approves it with a validity, opens the certificate, prints it, and follows its verification link',
    async run(api) {
      const { page, locale, go, pressAndLoad, check, expectPath } = api;
      // Each language works its own demo request, found by its reason, so the three runs never meet.
      const reason = { ja: 'lost-or-renewing', en: 'no-card', 'ja-easy': 'accompanied' }[locale.code];
      await go('/office');
      await focusWithKeyboard(page, 'main a[href="/office/certificates"]');
      await pressAndLoad('Enter');
      expectPath('/office/certificates');
      await focusWithKeyboard(page, 'select[name="reason"]');
      await selectWithArrows(page, reason);
      await focusWithKeyboard(page, 'form.filters button[type="submit"]');
      await pressAndLoad('Enter');
      const rows = page.locator('tr.queue-row');
      if ((await rows.count()) !== 1) throw new Error(`the filter for ${reason} left ${await rows.count()} requests`);
      await check('queue-filtered');
      await focusWithKeyboard(page, 'tr.queue-row a.queue-ref');
      await pressAndLoad('Enter');
      if (!new URL(page.url()).pathname.startsWith('/requests/')) throw new Error(`not on a request: ${page.url()}`);
      await expectMessage(page, locale, 'main .tag--state', 'request-state-submitted');
      await focusWithKeyboard(page, 'main form:has(input[name="action"][value="start"]) button');
      await pressAndLoad('Enter');
      await expectMessage(page, locale, 'main .tag--state', 'request-state-in-review');
      await check('in-review');
      // The validity: the insurer's default (60 months) is filled in; the officer makes it 24.
      await focusWithKeyboard(page, 'input[name="months"]');
      await page.keyboard.press('End');
      for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('24');
      if (await page.locator('#numbers').count()) {
        // The request's numbers do not match the insurer's enrolment records: approving needs a deliberate
        // choice, here the numbers as sent, for a reason from the list.
        await focusWithKeyboard(page, 'input[name="numbers"]');
        await pressUntilFocused(page, '#numbers-as-typed', { key: 'ArrowDown', max: 3 });
        await page.keyboard.press('Space');
        await focusWithKeyboard(page, '#as_typed_reason');
        await selectWithArrows(page, 'applicant-confirmed');
        await focusWithKeyboard(page, 'main form:has(input[name="action"][value="approve"]) button');
      }
      await pressAndLoad('Enter');
      await expectMessage(page, locale, 'main .tag--state', 'request-state-issued');
      await check('issued');
      await focusWithKeyboard(page, 'main a[href^="/certificates/issued/"]');
      await pressAndLoad('Enter');
      await expectMessage(page, locale, '.certificate-status--valid', 'office-cert-status-valid');
      await check('certificate');
      await expectPrintLayout(page);
      await verifyFromCertificate(api, 'valid', 'valid');
    },
  },
  {
    name: 'passkey-sign-in',
    role: 'anonymous',
    description: 'a facility administrator registers a passkey from their invitation, signs out, and signs in again with the passkey alone',
    async run({ page, base, go, pressAndLoad, check, expectPath }) {
      await addVirtualAuthenticator(page);
      const link = await oneAtATime(async () => {
        await go('/sign-in');
        await focusWithKeyboard(page, 'form[action="/demo/invite/p-misaki"] button');
        await pressAndLoad('Enter');
        const body = await newestMailBody(page, base, 'facility-admin@example.jp', (b) => b.includes('/invitation/'));
        const link = body.match(/(https?:\/\/\S+\/invitation\/\S+)/)[1];
        await go(new URL(link).pathname);
        await focusWithKeyboard(page, 'input[name="name"]');
        await page.keyboard.type('Office laptop');
        await focusWithKeyboard(page, '#passkey-button');
        await pressAndLoad('Enter');
        return link;
      });
      expectPath('/account');
      if (!link) throw new Error('no invitation link');
      await focusWithKeyboard(page, 'form[action="/sign-out"] button');
      await pressAndLoad('Enter');
      expectPath('/');
      await go('/sign-in');
      await focusWithKeyboard(page, '#passkey-button');
      await pressAndLoad('Enter');
      expectPath('/account');
      const who = await page.locator('.acting-bar__who').innerText();
      if (!who.includes('高橋')) throw new Error(`signed in as someone else: ${who}`);
      await check('signed-in-with-passkey');
    },
  },
];

/** With print media emulated: the certificate's items, code and QR show; navigation, buttons and the status do not. */
async function expectPrintLayout(page) {
  await page.emulateMedia({ media: 'print' });
  try {
    const problems = [];
    const shown = async (selector) => {
      const l = page.locator(selector);
      const n = await l.count();
      for (let i = 0; i < n; i++) if (!(await l.nth(i).isVisible())) return false;
      return n > 0;
    };
    for (const s of ['.certificate__title', '.certificate__items .certificate__row', '.certificate__code', 'svg.certificate__qr']) {
      if (!(await shown(s))) problems.push(`${s} is not printed`);
    }
    const rows = await page.locator('.certificate__items .certificate__row').count();
    if (rows < 10) problems.push(`only ${rows} printed items`);
    for (const s of ['.site-header', '.site-footer', '.back-link', '.certificate-status', '.no-print', '.certificate__verify a']) {
      const l = page.locator(s);
      if ((await l.count()) && (await l.first().isVisible())) problems.push(`${s} is printed`);
    }
    // One A4 sheet: Chromium's own PDF of the page in print media.
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    const sheets = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    if (sheets !== 1) problems.push(`the certificate prints on ${sheets} A4 sheets`);
    if (problems.length) throw new Error(`print layout: ${problems.join('; ')}`);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}

// Express card requests (express.mjs): they run before the crawls of the roles they name in `before`.
flows.push(...expressFlows);
