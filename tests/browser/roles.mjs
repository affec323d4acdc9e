// The people the crawler browses as. Each role gets a fresh browser context per locale and signs in through the
// UI with `signIn(page, base)` before the crawl starts at "/": residents with a code by e-mail (read from the demo
// outbox page), staff through their invitation link, registering a passkey in Chromium's virtual authenticator.
// `seeds` (optional) are more pages to start from, beside "/" and the missing page.
// Sign-out and destructive forms carry data-sign-out / data-destructive / data-crawl="skip", so the crawler
// leaves them alone.
import { addVirtualAuthenticator } from './lib/passkeys.mjs';

// One sign-in at a time: a newer code or invitation replaces an older one for the same person, so two contexts
// signing in as the same person at once would spoil each other's.
let queue = Promise.resolve();
export function oneAtATime(work) {
  const run = queue.then(work, work);
  queue = run.catch(() => {});
  return run;
}

export async function newestMailBody(page, base, to, marker) {
  await page.goto(`${base}/demo/outbox`);
  const items = page.locator('.outbox-list__item');
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    const hint = await item.locator('.hint').innerText();
    const body = await item.locator('pre').innerText();
    if (hint.includes(to) && marker(body)) return body;
  }
  throw new Error(`no e-mail to ${to} in the demo outbox`);
}

/** Signs in with a one-time code sent by e-mail, read from the demo outbox as the person would read it. */
export function signInWithCode(email) {
  const work = async (page, base) => {
    await page.goto(`${base}/sign-in`);
    await page.fill('form[action="/sign-in"] input[name="email"]', email);
    await Promise.all([page.waitForURL(/\/sign-in\/code/), page.click('form[action="/sign-in"] button[type="submit"]')]);
    const body = await newestMailBody(page, base, email, (b) => /\b\d{6}\b/.test(b));
    const code = body.match(/\b(\d{6})\b/)[1];
    await page.goto(`${base}/sign-in/code`);
    await page.fill('input[name="code"]', code);
    await Promise.all([page.waitForURL(/\/account/), page.click('main form button[type="submit"]')]);
  };
  const signIn = (page, base) => oneAtATime(() => work(page, base));
  signIn.work = work; // without the queue, for sign-ins that build on it
  return signIn;
}

/**
 * Passkeys of people who first signed in with a code, kept for the rest of the run: each browser context has its
 * own virtual authenticator, so the credential is carried from one to the next (with its signature counter).
 */
const wallet = new Map(); // e-mail → the credential as WebAuthn.getCredentials gives it

/**
 * Signs in with a code by e-mail the first time in a run and adds a passkey to the account; every later context
 * signs in with that passkey. So a person crawled in three languages and running flows in three more uses one
 * code of the 5 an hour their address may have (accounts/policy.rs), and the passkey sign-in is used throughout.
 */
export function signInWithCodeOnce(email) {
  const byCode = signInWithCode(email);
  return (page, base) =>
    oneAtATime(async () => {
      const auth = await addVirtualAuthenticator(page);
      const saved = wallet.get(email);
      if (!saved) {
        await byCode.work(page, base);
        await page.goto(`${base}/account/passkeys/new`);
        await page.fill('input[name="name"]', 'Browser suite');
        await Promise.all([page.waitForURL(/\/account$/), page.click('#passkey-button')]);
      } else {
        await auth.cdp.send('WebAuthn.addCredential', { authenticatorId: auth.id, credential: saved });
        await page.goto(`${base}/sign-in`);
        await Promise.all([page.waitForURL(/\/account$/), page.click('#passkey-button')]);
      }
      const [credential] = await auth.credentials();
      if (!credential) throw new Error(`no passkey for ${email} in the authenticator`);
      wallet.set(email, credential);
    });
}

/** Opens a fresh invitation for a staff member and registers a passkey in a virtual authenticator. */
export function signInByInvitation(personId, email) {
  return (page, base) =>
    oneAtATime(async () => {
      await addVirtualAuthenticator(page);
      await page.goto(`${base}/sign-in`);
      await Promise.all([
        page.waitForURL(/\/demo\/outbox/),
        page.click(`form[action="/demo/invite/${personId}"] button[type="submit"]`),
      ]);
      const body = await newestMailBody(page, base, email, (b) => b.includes('/invitation/'));
      const link = body.match(/(https?:\/\/\S+\/invitation\/\S+)/)[1];
      await page.goto(link);
      await page.fill('input[name="name"]', 'Test authenticator');
      await Promise.all([page.waitForURL(/\/account$/), page.click('#passkey-button')]);
    });
}

export const roles = [
  // Also crawled from a verification address no certificate has, as a clinic would type one wrongly: the
  // "not valid" answer (valid, expired and revoked ones are reached through the certificates of those who have one).
  { name: 'anonymous', signIn: async (_page, _base) => {}, seeds: [{ path: '/verify/NoSuchCertificate000', status: 200 }] },
  { name: 'resident', signIn: signInWithCodeOnce('taro@example.jp') },
  { name: 'guardian', signIn: signInWithCodeOnce('hanako@example.jp') },
  // A parent with express card requests (her baby's, her lost card's with its interim certificate).
  { name: 'parent', signIn: signInWithCodeOnce('yuki@example.jp'), seeds: [{ path: '/express', status: 200 }] },
  { name: 'facility-staff', signIn: signInByInvitation('p-ken', 'staff@example.jp') },
  { name: 'insurer-officer', signIn: signInByInvitation('p-tanaka', 'kokuho@city.aoba.example.jp') },
  // With express card requests in its queue (the crawler follows each to its review) and on its dashboard: the
  // demo's, and those the express flows leave (they run first): the lost card's waits for the officer's deliberate
  // "accept anyway" (no photo, an explanation instead), which a crawler never ticks; the infant's was mailed.
  {
    name: 'municipal-officer',
    signIn: signInByInvitation('p-suzuki', 'officer@city.aoba.example.jp'),
    seeds: [
      { path: '/office/express', status: 200, shows: ['tr.queue-row a.queue-ref[href^="/office/express/"]'] },
      { path: '/office/express/dashboard', status: 200, shows: ['main table tbody tr', 'main ul.list li'] },
    ],
  },
  { name: 'admin', signIn: signInByInvitation('p-admin', 'admin@example.jp') },
];

/** People who only run keyboard flows (not crawled): their own sign-ins keep within the per-address code limit. */
export const flowOnlyRoles = [
  { name: 'resident-for-flows', signIn: signInWithCode('maria@example.jp') },
  // An officer of 協会けんぽ: the crawled officer works あおば市国保, so the flow's requests are out of the crawl's way.
  { name: 'insurer-officer-kyokai', signIn: signInByInvitation('p-nakamura', 'kyokai@example.jp') },
];
