// Express card requests (特急発行) in a real browser, keyboard only (issue 12's "done when"):
// - express-infant: a parent files her newborn's card with the birth registration, the municipality's officer
//   accepts it on /office/express, the simulated issuing body (a background task in demo mode, a second a stage
//   in this suite) reports production started → mailed → delivered, and the parent follows each step on the
//   request page and by e-mail (the suite's own SMTP server, lib/mailbox.mjs);
// - express-lost: a resident reports a lost card, asks for the interim certificate in the same flow, answers the
//   certificate's questions, and finds the two requests linked, on one timeline.
// Each files once, in one language (the requests are real: three of each would be three children and three
// lost cards); its runs in the other languages wait for that one and check the same pages in theirs.
// Both run before the crawls of the roles in `before`: a crawler sends every form it finds, so it would send,
// accept or correct these requests under the flow's feet.
import { choose, expectMessage, onePerPerson, SUBMIT, typeOver } from './flows.mjs';
import { focusWithKeyboard } from './lib/keyboard.mjs';
import { mailbox } from './lib/mailbox.mjs';
import { message, visibleText } from './lib/locales.mjs';
import { DESKTOP } from './lib/browser.mjs';
import { signInByInvitation } from './roles.mjs';

/** How long a flow waits for the issuing body's reports to show (a second a stage; a busy machine is slower). */
const FOLLOW_MS = 90_000;
/** How long a run in another language waits for the run that files. */
const HANDOVER_MS = 300_000;
const REFERENCE = /R-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/;

/** Today in Japan minus `days`, as YYYY-MM-DD (what a person types; the portal's clock is Japan's). */
function daysAgo(days) {
  return new Date(Date.now() + 9 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

/** A message of a locale up to its first placeholder: the part a page or mail shows word for word. */
function fixedPart(code, id) {
  return message(code, id).split(/\{[^}]*\}/)[0].trim();
}

/** Throws unless the page shows, at `selector`, the message `id` (up to its first placeholder) in the flow's locale. */
async function expectStart(page, locale, selector, id) {
  const want = fixedPart(locale.code, id);
  const got = await visibleText(page, selector);
  if (!got.includes(want)) throw new Error(`${selector} says "${got}", expected "${want}…" (${id})`);
}

/** What the filing run hands to the runs in the other languages (or the reason it could not). */
function handover() {
  let give;
  let fail;
  const result = new Promise((ok, no) => {
    give = ok;
    fail = no;
  });
  result.catch(() => {});
  return {
    give,
    fail,
    async take(filer) {
      let timer;
      const late = new Promise((_, no) => {
        timer = setTimeout(() => no(new Error(`the ${filer} run handed over nothing within ${HANDOVER_MS / 1000} s`)), HANDOVER_MS);
      });
      try {
        return await Promise.race([result, late]);
      } catch (e) {
        throw new Error(`the ${filer} run did not file the request: ${e.message}`);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The texts of the timeline's lines (ruby readings left out). */
async function timeline(page) {
  return page.locator('ol.timeline li').evaluateAll((items) =>
    items.map((li) => {
      const copy = li.cloneNode(true);
      copy.querySelectorAll('rt, rp').forEach((r) => r.remove());
      return copy.textContent.replace(/\s+/g, ' ').trim();
    }),
  );
}

/**
 * Goes through a journey's questions in order. A draft the person left is continued at its first open question
 * and after each answer the next open one comes: so before each question the flow goes back (the back link)
 * until it is on it, and fails if it is still on an earlier one (an answer was refused).
 */
function questions({ page, pressAndLoad }, steps) {
  const slug = () => new URL(page.url()).pathname.split('/').pop();
  return async function at(step) {
    const here = steps.indexOf(slug());
    if (here !== -1 && here < steps.indexOf(step)) {
      const errors = await page.locator('.error-summary').allInnerTexts();
      throw new Error(`still on ${steps[here]}, not on ${step}: ${errors.join(' ').replace(/\s+/g, ' ')}`);
    }
    for (let i = 0; i < steps.length && slug() !== step; i++) {
      await focusWithKeyboard(page, 'a.back-link');
      await pressAndLoad('Enter');
    }
    if (slug() !== step) throw new Error(`the back links never led to ${step} (on ${page.url()})`);
  };
}

async function next({ page, pressAndLoad }) {
  await focusWithKeyboard(page, SUBMIT);
  await pressAndLoad('Enter');
}

/** Tab to the field named `name` and type `text` in place of what it holds. */
async function answer(page, name, text) {
  await focusWithKeyboard(page, `main [name="${name}"]`);
  await typeOver(page, text);
}

/** Tab to the field named `name` and type `text` unless it holds something already. */
async function answerIfEmpty(page, name, text) {
  await focusWithKeyboard(page, `main [name="${name}"]`);
  if ((await page.evaluate(() => document.activeElement.value)) === '') await page.keyboard.type(text);
}

/** From /express, the button of `reason` (infant, lost, newly_registered): a draft, at its first question. */
async function startExpress(api, reason) {
  const { page, go, pressAndLoad } = api;
  await go('/express');
  await focusWithKeyboard(page, `main form[action="/express/new"]:has(input[name="reason"][value="${reason}"]) button`);
  await pressAndLoad('Enter');
  const m = new URL(page.url()).pathname.match(/^\/express\/([^/]+)\//);
  if (!m) throw new Error(`the express button led to ${page.url()}`);
  return m[1];
}

/** On check your answers: sends with Space, and returns to the request page's reference. */
async function send(api, id) {
  const { page, pressAndLoad } = api;
  await focusWithKeyboard(page, `main form[action="/express/${id}/submit"] button`);
  await pressAndLoad('Space');
}

/** The request page of `id` says its reference in the heading. */
async function referenceOn(page) {
  const heading = await page.locator('h1').innerText();
  const m = heading.match(REFERENCE);
  if (!m) throw new Error(`no reference number in the heading "${heading}"`);
  return m[0];
}

/**
 * The parent answers every question of her newborn's card (birth registration, name, date of birth, address,
 * card type), checks the photo-less card and its validity, sends, and sees the confirmation. Returns { id, reference }.
 */
async function fileInfantCard(api) {
  const { page, locale, check, expectPath } = api;
  const id = await startExpress(api, 'infant');
  const at = questions(api, ['birth-registration', 'child-name', 'child-birth-date', 'child-address', 'card-type', 'check']);
  await at('birth-registration');
  await answer(page, 'registration_municipality', 'あおば市');
  await answer(page, 'registration_date', daysAgo(10));
  await next(api);
  await at('child-name');
  await answer(page, 'child_name', '小林 陽向');
  await answer(page, 'child_name_kana', 'コバヤシ ヒナタ');
  await next(api);
  await at('child-birth-date');
  await answer(page, 'child_birth_date', daysAgo(20));
  await next(api);
  await at('child-address');
  await answer(page, 'postal_code', '999-0001');
  await answer(page, 'address', 'あおば市中央1-2-3');
  await next(api);
  await at('card-type');
  await choose(page, 'standard');
  await next(api);
  expectPath(`/express/${id}/check`);
  // Under one: no photo, and the card's validity is shown before sending.
  await expectMessage(page, locale, '#express-photo-less', 'express-card-photo-less');
  await expectStart(page, locale, '#express-valid-until', 'express-card-valid-until');
  await check('check-answers');
  await send(api, id);
  expectPath(`/express/${id}`);
  await expectMessage(page, locale, '#express-sent', 'express-sent-heading');
  await expectMessage(page, locale, 'main .tag--state', 'request-state-submitted');
  const reference = await referenceOn(page);
  await check('sent');
  return { id, reference };
}

/**
 * The municipality's officer, in a browser of their own, opens the queue, finds the request by its reference
 * and accepts it, with the keyboard.
 */
async function acceptAsOfficer({ page, base, locale }, { id, reference }) {
  const context = await page.context().browser().newContext({ viewport: DESKTOP, deviceScaleFactor: 1, locale: locale.acceptLanguage });
  context.setDefaultTimeout(15_000);
  try {
    await context.addCookies([{ name: 'lang', value: locale.code, url: base }]);
    const officer = await context.newPage();
    await signInByInvitation('p-suzuki', 'officer@city.aoba.example.jp')(officer, base);
    const pressAndLoad = async (key) => {
      const loaded = officer.waitForEvent('load', { timeout: 10_000 });
      loaded.catch(() => {});
      await officer.keyboard.press(key);
      await loaded;
    };
    await officer.goto(`${base}/office`);
    await focusWithKeyboard(officer, 'main a[href="/office/express"]');
    await pressAndLoad('Enter');
    const row = officer.locator(`tr.queue-row:has(a.queue-ref[href="/office/express/${id}"])`);
    if ((await row.count()) !== 1) throw new Error(`${reference} is not in the officer's queue`);
    if (!(await row.innerText()).includes(reference)) throw new Error(`the queue's row does not say ${reference}`);
    await focusWithKeyboard(officer, `a.queue-ref[href="/office/express/${id}"]`);
    await pressAndLoad('Enter');
    if (!(await officer.locator('h1').innerText()).includes(reference)) throw new Error(`the review is not of ${reference}`);
    await focusWithKeyboard(officer, `main form[action="/office/express/${id}/accept"] button`);
    await pressAndLoad('Enter');
    const landed = new URL(officer.url());
    if (landed.pathname !== '/office/express' || !landed.searchParams.has('decided')) {
      const errors = await officer.locator('.error-summary').allInnerTexts().catch(() => []);
      throw new Error(`accepting led to ${landed.pathname}${landed.search} ${errors.join(' ')}`);
    }
  } finally {
    await context.close();
  }
}

/**
 * Reloads the request page until its timeline has each line of `events` (message ids), in order, and says
 * nothing is missing; bounded by FOLLOW_MS. Returns how many seconds each took to show.
 */
async function follow({ page, locale, go }, id, events) {
  const started = Date.now();
  const seen = [];
  for (const event of events) {
    const want = fixedPart(locale.code, event);
    for (;;) {
      await go(`/express/${id}`);
      if ((await timeline(page)).some((line) => line.includes(want))) break;
      if (Date.now() - started > FOLLOW_MS) {
        throw new Error(`after ${FOLLOW_MS / 1000} s the request page's timeline has no "${want}" (${event}): ${JSON.stringify(await timeline(page))}`);
      }
      await page.waitForTimeout(500);
    }
    seen.push(`${event} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return seen;
}

/** The page of a delivered card: state "issued", the three reports of the issuing body on its timeline. */
async function expectDelivered({ page, locale }) {
  await expectMessage(page, locale, 'main .tag--state', 'request-state-issued');
  const lines = await timeline(page);
  for (const event of ['request-event-in-review', 'request-event-production-started', 'request-event-mailed', 'request-event-delivered']) {
    const want = fixedPart(locale.code, event);
    if (!lines.some((l) => l.includes(want))) throw new Error(`the timeline has no "${want}" (${event}): ${JSON.stringify(lines)}`);
  }
}

/**
 * The parent's e-mails about the request, in her language: accepted (with the mailing date), mailed (with the
 * tracking number), delivered. Each subject is the locale's request-update subject with the reference and state.
 */
async function expectMails(reference, { to, language }) {
  const subject = (stateKey) =>
    message(language, 'mail-request-update-subject')
      .replace(/\{\s*\$reference\s*\}/, reference)
      .replace(/\{\s*\$state\s*\}/, message(language, stateKey));
  const mails = [
    ['accepted', 'request-state-in-review', 'express-next-accepted'],
    ['mailed', 'request-event-mailed', 'express-tracking-number'],
    ['delivered', 'request-event-delivered', 'express-next-delivered'],
  ];
  for (const [what, stateKey, bodyKey] of mails) {
    const want = subject(stateKey);
    const mail = await mailbox.waitFor(to, (m) => m.subject === want, { what: `the "${what}" e-mail ("${want}")` });
    const body = fixedPart(language, bodyKey);
    if (!mail.text.includes(body)) throw new Error(`the "${what}" e-mail does not say "${body}" (${bodyKey}): ${mail.text}`);
  }
}

const infant = handover();
const lost = handover();

/** The parent and her e-mail, and her language (her account's, which the e-mails follow): 小林 由紀. */
const PARENT = { id: 'p-yuki', email: 'yuki@example.jp', language: 'ja' };
/** The resident whose card is lost: 山田 太郎, who files in English. */
const RESIDENT = {
  id: 'p-taro', filesIn: 'en', name: '山田 太郎', kana: 'ヤマダ タロウ', birth: '1985-01-02',
  insurer: '138008', symbol: '1234567', number: '42',
};

/**
 * Lost card, with the interim certificate asked for in the same flow: the loss report, suspension, address,
 * "interim certificate: yes", the flexible-rules explanation in place of a photo, the card type; sent, it goes on
 * into the certificate's questions (whose person and reason are answered already) and sends that too. Returns
 * { cardId, certificateId }.
 */
async function fileLostCard(api) {
  const { page, locale, check, expectPath, pressAndLoad } = api;
  const cardId = await startExpress(api, 'lost');
  const at = questions(api, ['loss-report', 'suspended', 'address', 'interim-certificate', 'photo', 'card-type', 'check']);
  await at('loss-report');
  await answer(page, 'loss_report_number', '2026-009876');
  await answer(page, 'loss_date', daysAgo(2));
  await next(api);
  await at('suspended');
  await choose(page, 'yes');
  await next(api);
  await at('address');
  await answer(page, 'postal_code', '999-0001');
  await answer(page, 'address', 'あおば市中央4-5-6');
  await next(api);
  await at('interim-certificate');
  await choose(page, 'yes');
  await next(api);
  await at('photo');
  await answer(page, 'photo_exception', 'I wear a hearing aid that cannot be taken off for the photo.');
  await next(api);
  await at('card-type');
  await choose(page, 'face_authentication');
  await next(api);
  expectPath(`/express/${cardId}/check`);
  await check('check-answers');
  await send(api, cardId);
  // Straight on into the interim certificate's questions, its person and reason answered already.
  const cert = questions(api, ['for-whom', 'reason', 'insurer', 'insured', 'name', 'birth-date', 'delivery', 'contact', 'check']);
  await cert('insurer');
  const certificateId = new URL(page.url()).pathname.split('/').at(-2);
  await answer(page, 'insurer_number', RESIDENT.insurer);
  await pressAndLoad('Enter');
  await cert('insured');
  await answer(page, 'symbol', RESIDENT.symbol);
  await answer(page, 'number', RESIDENT.number);
  await pressAndLoad('Enter');
  // The linked draft skips "for whom", where the journey fills these in from the account: typed if empty.
  await cert('name');
  await answerIfEmpty(page, 'name', RESIDENT.name);
  await answerIfEmpty(page, 'name_kana', RESIDENT.kana);
  await next(api);
  await cert('birth-date');
  await answerIfEmpty(page, 'birth_date', RESIDENT.birth);
  await next(api);
  await cert('delivery');
  await choose(page, 'download');
  await next(api);
  await cert('contact');
  await choose(page, 'email');
  await next(api);
  await cert('check');
  await focusWithKeyboard(page, SUBMIT);
  await pressAndLoad('Space');
  const reference = (await page.locator('.reference').innerText()).trim();
  if (!REFERENCE.test(reference)) throw new Error(`no reference number on the certificate's confirmation: ${reference}`);
  return { cardId, certificateId };
}

/**
 * The card's page: the linked certificate (link, state, next step), the card's "mailed by" date, and one
 * timeline with the lines of both, each marked with its request's kind. Then the link to the certificate's
 * page, which links back.
 */
async function expectLinked(api, { cardId, certificateId }, checks) {
  const { page, locale, go, pressAndLoad, check, expectPath } = api;
  await go(`/express/${cardId}`);
  const link = page.locator('#express-linked-link');
  if ((await link.getAttribute('href')) !== `/requests/${certificateId}`) {
    throw new Error(`the card's page links to ${await link.getAttribute('href')}, not its certificate /requests/${certificateId}`);
  }
  await expectMessage(page, locale, '#express-linked-link', 'request-kind-certificate');
  await expectStart(page, locale, '#express-mailed-by', 'express-mailed-by');
  const lines = await timeline(page);
  for (const kind of ['request-kind-card', 'request-kind-certificate']) {
    const want = `${message(locale.code, kind)}:`;
    if (!lines.some((l) => l.includes(want))) throw new Error(`the timeline has no line of "${want}": ${JSON.stringify(lines)}`);
  }
  if (checks) await check('linked');
  await focusWithKeyboard(page, '#express-linked-link');
  await pressAndLoad('Enter');
  expectPath(`/requests/${certificateId}`);
  const back = page.locator('#linked-card-link');
  if ((await back.getAttribute('href')) !== `/express/${cardId}`) throw new Error(`the certificate's page links to ${await back.getAttribute('href')}, not its card`);
  await expectMessage(page, locale, '#linked-card-link', 'request-kind-card');
  if (checks) await check('links-back');
}

export const expressFlows = [
  {
    name: 'express-infant',
    role: 'parent',
    lead: PARENT.language,
    before: ['parent', 'municipal-officer'],
    description:
      "a parent files her newborn's express card with the birth registration, the officer accepts it, the issuing body reports it to delivered, and she follows it on the request page and by e-mail",
    async run(api) {
      const { page, locale, go, check } = api;
      if (locale.code !== PARENT.language) {
        const { id } = await infant.take(PARENT.language);
        await go(`/express/${id}`);
        await expectDelivered(api);
        await check('delivered');
        return;
      }
      try {
        const filed = await onePerPerson(PARENT.id, () => fileInfantCard(api));
        await acceptAsOfficer(api, filed);
        await follow(api, filed.id, ['request-event-in-review', 'request-event-production-started', 'request-event-mailed', 'request-event-delivered']);
        await expectDelivered(api);
        await expectMessage(page, locale, '#express-next', 'express-next-issued');
        await check('delivered');
        await expectMails(filed.reference, { to: PARENT.email, language: PARENT.language });
        infant.give(filed);
      } catch (e) {
        infant.fail(e);
        throw e;
      }
    },
  },
  {
    name: 'express-lost',
    role: 'resident',
    lead: RESIDENT.filesIn,
    before: ['resident', 'municipal-officer'],
    description:
      'a resident reports a lost card, asks for the interim certificate in the same flow and answers its questions; the card page shows both on one timeline, the certificate page links back',
    async run(api) {
      const { locale } = api;
      if (locale.code !== RESIDENT.filesIn) {
        await expectLinked(api, await lost.take(RESIDENT.filesIn), true);
        return;
      }
      try {
        const filed = await onePerPerson(RESIDENT.id, () => fileLostCard(api));
        await expectLinked(api, filed, true);
        lost.give(filed);
      } catch (e) {
        lost.fail(e);
        throw e;
      }
    },
  },
];
