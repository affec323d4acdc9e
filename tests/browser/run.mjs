#!/usr/bin/env node
// The browser suite of madoguchi: every page, in every role and language, checked in Debian's Chromium.
//   node tests/browser/run.mjs            (after `cargo build`; MADOGUCHI_BIN names another binary)
// Order: the harness checks itself on fixtures (and stops the suite if it cannot be trusted), then the portal
// is started with a fresh database, passkeys are proved, every role × locale is crawled, and the keyboard flows
// run. The last line is "N passed, M failed" (results: one per page, form state, flow step and self-test).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { crawl } from './lib/crawl.mjs';
import { runFlow } from './lib/flow.mjs';
import { LOCALES } from './lib/locales.mjs';
import { mailbox } from './lib/mailbox.mjs';
import { passkeySelfTest } from './lib/passkeys.mjs';
import { portalBinary, startPortal } from './lib/portal.mjs';
import { Report, Titles } from './lib/report.mjs';
import { selfTest } from './lib/selftest.mjs';
import { flows } from './flows.mjs';
import { flowOnlyRoles, roles } from './roles.mjs';

const SHOTS = join(import.meta.dirname, 'screenshots');
const MAX_PAGES = Number(process.env.BROWSER_MAX_PAGES || 200); // per role × locale
const CONCURRENCY = Math.max(1, Number(process.env.BROWSER_CONCURRENCY || 2));
// BROWSER_ROLES=resident,admin crawls (and runs the flows of) those roles only: for a quick look while developing.
// BROWSER_FLOWS=express-infant,express-lost runs those flows only, and crawls only the roles BROWSER_ROLES names
// (none without it).
const list = (v) => (v || '').split(',').map((r) => r.trim()).filter(Boolean);
const ONLY = list(process.env.BROWSER_ROLES);
const ONLY_FLOWS = list(process.env.BROWSER_FLOWS);
const picked = (name) => (ONLY.length === 0 && ONLY_FLOWS.length === 0) || ONLY.includes(name);
// A flow also runs when a crawl it must come before (`before`) is picked: that crawl's data is what it leaves.
const flowPicked = (flow) =>
  ONLY_FLOWS.includes(flow.name) || (ONLY_FLOWS.length === 0 && picked(flow.role)) || (flow.before ?? []).some((r) => ONLY.includes(r));
/** Where every crawl starts, and a page that does not exist so the 404 page is checked too. */
const SEEDS = [
  { path: '/', status: 200 },
  { path: '/no-such-page-browser-suite', status: 404 },
];

const report = new Report();
const started = Date.now();
let launched = null;
let portal = null;
let stopping = false;

/** Runs the tasks, `n` at a time; the first error stops the rest from starting and is thrown. */
async function pool(tasks, n) {
  const queue = [...tasks];
  let failure = null;
  const worker = async () => {
    while (queue.length && !failure) {
      try {
        await queue.shift()();
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  if (failure) throw failure;
}

async function cleanUp() {
  await launched?.close();
  await portal?.stop();
  await mailbox.stop();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await cleanUp();
    process.exit(130);
  });
}

let error = null;
try {
  portalBinary(); // before anything else: a missing binary is the commonest mistake
  await rm(SHOTS, { recursive: true, force: true });
  launched = await launchBrowser();

  console.log('== the harness checks itself on fixtures');
  if (!(await selfTest(launched, report))) {
    throw new Error('the harness self-test failed, so its verdicts on the portal could not be trusted');
  }

  // The portal sends its e-mail to the suite's own SMTP server, so flows read what people really received.
  await mailbox.start();
  portal = await startPortal({ env: { MADOGUCHI_SMTP_URL: mailbox.url } });
  console.log(`\n== the portal at ${portal.base} (fresh data in ${portal.dataDir})`);
  const pk = await passkeySelfTest(launched, portal.base);
  report.add({ kind: 'passkeys', role: 'harness', locale: '-', path: '/', state: 'virtual authenticator', failures: new Map([['passkeys', pk.problems]]), extra: pk.detail });

  // Every role × locale crawl and every flow × locale is a task in its own browser context; CONCURRENCY of them
  // run at once. On 2 cores the CPU is the limit (axe and full-page PNGs), so more than 2 gains little.
  const titles = new Titles();
  const tasks = [];
  // A flow may name roles whose crawls must not meet its records (`before`: a crawler sends every form it
  // finds, so it would send, accept or correct the flow's requests under its feet). Such a flow runs first, in
  // every language, and those crawls wait for it: queued after it, they can never hold the workers it needs.
  const chosenFlows = flows.filter(flowPicked);
  const gates = new Map(); // role → [promises of the flows its crawls wait for]
  // A flow that does its work in one language (`lead`) and checks it in the others runs there first: the
  // runs that wait for it are queued after every lead, so they do not hold a worker while it has not started.
  const addFlows = (list) => {
    const runs = list.flatMap((flow) => LOCALES.map((locale) => ({ flow, locale })));
    runs.sort((a, b) => (a.locale.code === a.flow.lead ? 0 : 1) - (b.locale.code === b.flow.lead ? 0 : 1));
    for (const { flow, locale } of runs) {
      const role = [...roles, ...flowOnlyRoles].find((r) => r.name === flow.role);
      if (!role) throw new Error(`flow ${flow.name} names the role ${flow.role}, which roles.mjs does not have`);
      const part = report.section(`keyboard flow ${flow.name} as ${role.name} in ${locale.code}`);
      let finished;
      const done = new Promise((r) => (finished = r));
      for (const gated of flow.before ?? []) gates.set(gated, [...(gates.get(gated) ?? []), done]);
      tasks.push(async () => {
        try {
          await runFlow({ launched, base: portal.base, flow, role, locale, report: part, titles, shotsDir: SHOTS });
        } finally {
          part.flush();
          finished();
        }
      });
    }
  };
  addFlows(chosenFlows.filter((f) => f.before?.length));
  for (const role of roles.filter((r) => picked(r.name))) {
    for (const locale of LOCALES) {
      const part = report.section(`crawl as ${role.name} in ${locale.code}`);
      tasks.push(async () => {
        await Promise.all(gates.get(role.name) ?? []);
        try {
          await crawl({ launched, base: portal.base, role, locale, seeds: [...SEEDS, ...(role.seeds ?? [])], maxPages: MAX_PAGES, report: part, titles, shotsDir: SHOTS });
        } catch (e) {
          // One crawl breaking (a page that never loads, say) is a failure of that crawl; the others go on.
          part.add({ kind: 'page', role: role.name, locale: locale.code, path: '(crawl)', state: 'stopped', failures: new Map([['crawl', [e.message.split('\n')[0]]]]) });
        } finally {
          part.flush();
        }
      });
    }
  }
  addFlows(chosenFlows.filter((f) => !f.before?.length));
  await pool(tasks, CONCURRENCY);
} catch (e) {
  error = e;
} finally {
  // The portal's own account of what went wrong (warnings and errors only), before its data directory goes.
  const tail = portal && (error || report.failed) ? await portal.logTail(30) : '';
  if (tail) console.log(`\nthe portal's log ends:\n${tail}`);
  await cleanUp();
}
const failed = report.finish({ seconds: (Date.now() - started) / 1000, error });
process.exitCode = failed > 0 ? 1 : 0;
