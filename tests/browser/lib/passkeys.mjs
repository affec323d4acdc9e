// Passkeys in a real browser: Chromium's virtual authenticator, through the Chrome DevTools Protocol.
// The sign-in work uses addVirtualAuthenticator(page) before it clicks "Sign in with a passkey".

const DEFAULTS = {
  protocol: 'ctap2',
  ctap2Version: 'ctap2_1',
  transport: 'internal', // a platform authenticator, like Windows Hello or Touch ID
  hasResidentKey: true, // discoverable credentials: usernameless sign-in
  hasUserVerification: true,
  isUserVerified: true, // the "fingerprint" always matches
  automaticPresenceSimulation: true, // and the "touch" happens by itself
};

/**
 * Adds a virtual authenticator to `page` (it lives as long as the page). Returns
 * { id, credentials(), remove() }. `options` override the defaults above (e.g. { isUserVerified: false }).
 */
export async function addVirtualAuthenticator(page, options = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { ...DEFAULTS, ...options },
  });
  return {
    id: authenticatorId,
    cdp,
    /** The credentials the authenticator holds (each with credentialId, rpId, userHandle, signCount). */
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
    async remove() {
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId }).catch(() => {});
      await cdp.send('WebAuthn.disable').catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}

/**
 * Proves the recipe on a page of the portal: without the authenticator no platform authenticator is reported;
 * with it, one is, and a discoverable credential can be made and used (made and asserted in the page, with a
 * local challenge: the portal's own ceremonies come with the sign-in work). Returns a list of problems.
 */
export async function passkeySelfTest(launched, base) {
  const problems = [];
  const context = await launched.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const uvpaa = () => page.evaluate(() => PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable());
    const before = await uvpaa();
    const auth = await addVirtualAuthenticator(page);
    const after = await uvpaa();
    if (after !== true) problems.push(`isUserVerifyingPlatformAuthenticatorAvailable() is ${after} with the virtual authenticator`);
    if (before !== false) problems.push(`isUserVerifyingPlatformAuthenticatorAvailable() was already ${before} without it (the check proves nothing)`);
    const rpId = new URL(base).hostname;
    const ceremony = await page.evaluate(async (rpId) => {
      const random = (n) => crypto.getRandomValues(new Uint8Array(n));
      const made = await navigator.credentials.create({
        publicKey: {
          rp: { id: rpId, name: 'madoguchi' },
          user: { id: random(16), name: 'self-test', displayName: 'Self test' },
          challenge: random(32),
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        },
      });
      const used = await navigator.credentials.get({
        publicKey: { rpId, challenge: random(32), userVerification: 'required' }, // no allowCredentials: usernameless
      });
      return { made: made?.id ?? null, used: used?.id ?? null };
    }, rpId);
    const stored = await auth.credentials();
    if (!ceremony.made) problems.push('navigator.credentials.create() made no credential');
    if (ceremony.used !== ceremony.made) problems.push('navigator.credentials.get() did not sign in with the new passkey');
    if (stored.length !== 1 || stored[0].rpId !== rpId || !stored[0].isResidentCredential) {
      problems.push(`the authenticator holds ${JSON.stringify(stored.map((c) => ({ rpId: c.rpId, resident: c.isResidentCredential })))}`);
    }
    await auth.remove();
    return { problems, detail: `rpId ${rpId}, platform authenticator ${before} → ${after}, ${stored.length} passkey made and used` };
  } catch (e) {
    problems.push(`the ceremony failed: ${e.message}`);
    return { problems, detail: '' };
  } finally {
    await context.close();
  }
}
