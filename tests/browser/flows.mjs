// Keyboard-only journeys: Tab, Shift+Tab, Enter, Space and typing, nothing else (no clicks, no fill()).
// Each flow runs in every locale as the role it names, in a fresh context; `check(state)` puts the page it has
// reached through every page check (and takes its screenshots). Add a flow by adding an object here, e.g.
// "a resident requests a certificate and sees it in their list" once accounts exist.
import { focusWithKeyboard, pressUntilFocused } from './lib/keyboard.mjs';
import { addVirtualAuthenticator } from './lib/passkeys.mjs';
import { newestMailBody, oneAtATime } from './roles.mjs';

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
    async run({ page, go, pressAndLoad, check, expectPath }) {
      await go('/');
      await focusWithKeyboard(page, 'main a[href="/certificates"]');
      await pressAndLoad('Enter');
      expectPath('/certificates');
      await focusWithKeyboard(page, 'main a[href="/certificates/new"]');
      await pressAndLoad('Enter');
      const submit = 'main form button[type="submit"]';
      /** Picks a radio button with the keyboard: Tab into the group, then arrow keys until it is the one. */
      async function choose(value) {
        await focusWithKeyboard(page, 'main input[type="radio"]');
        await pressUntilFocused(page, `main input[type="radio"][value="${value}"]`, { key: 'ArrowDown', max: 10 });
        await page.keyboard.press('Space');
      }
      // Who for: the first choice is the person themself.
      await focusWithKeyboard(page, 'main input[type="radio"]');
      await page.keyboard.press('Space');
      await focusWithKeyboard(page, submit);
      await pressAndLoad('Enter');
      await choose('cannot-use-card');
      await focusWithKeyboard(page, submit);
      await pressAndLoad('Enter');
      await focusWithKeyboard(page, 'input[name="insurer_number"]');
      await page.keyboard.type('01130012');
      await pressAndLoad('Enter');
      await focusWithKeyboard(page, 'input[name="symbol"]');
      await page.keyboard.type('1234567');
      await pressUntilFocused(page, 'input[name="number"]');
      await page.keyboard.type('42');
      await pressAndLoad('Enter');
      // Name and date of birth come filled in from the account: check and go on.
      await focusWithKeyboard(page, submit);
      await pressAndLoad('Enter');
      await focusWithKeyboard(page, submit);
      await pressAndLoad('Enter');
      await choose('download');
      await focusWithKeyboard(page, submit);
      await pressAndLoad('Enter');
      await choose('email');
      await focusWithKeyboard(page, submit);
      await pressAndLoad('Enter');
      if (!/\/check$/.test(new URL(page.url()).pathname)) throw new Error(`expected the check page, on ${page.url()}`);
      await check('check-answers');
      await focusWithKeyboard(page, submit);
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
