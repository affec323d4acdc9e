// The people the crawler browses as. Each role gets a fresh browser context per locale, and signs in through the
// UI with `signIn(page, base)` before the crawl starts at "/". Today there are no accounts, so only anonymous.
//
// To add one (the accounts work): { name: 'resident', signIn: async (page, base) => { …passkey sign-in with
// addVirtualAuthenticator() from lib/passkeys.mjs… } }. Sign-out links and forms must carry data-sign-out (or
// data-crawl="skip"), destructive ones data-destructive, so the crawler leaves them alone.
export const roles = [
  {
    name: 'anonymous',
    signIn: async (_page, _base) => {},
  },
];
