// Keyboard-only journeys: Tab, Shift+Tab, Enter, Space and typing, nothing else (no clicks, no fill()).
// Each flow runs in every locale as the role it names, in a fresh context; `check(state)` puts the page it has
// reached through every page check (and takes its screenshots). Add a flow by adding an object here, e.g.
// "a resident requests a certificate and sees it in their list" once accounts exist.
import { focusWithKeyboard, pressUntilFocused } from './lib/keyboard.mjs';

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
];
