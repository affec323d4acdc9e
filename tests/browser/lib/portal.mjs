// Starts the portal binary on a free port with a fresh data directory (fresh SQLite, demo data) and stops it.
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** A port nobody listens on right now (asked from the kernel, then released). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** The binary to run: MADOGUCHI_BIN (relative to the current directory) or target/debug/madoguchi; it must exist. */
export function portalBinary(bin = process.env.MADOGUCHI_BIN) {
  const binary = bin ? resolve(process.cwd(), bin) : join(REPO_ROOT, 'target', 'debug', 'madoguchi');
  if (!existsSync(binary)) {
    throw new Error(`the portal binary ${binary} does not exist: run \`cargo build\` first or set MADOGUCHI_BIN`);
  }
  return binary;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `MADOGUCHI_BIN` (default target/debug/madoguchi). The base URL is http://localhost:PORT, not 127.0.0.1:
 * passkeys need a domain as relying-party id. `env`: more settings (MADOGUCHI_SMTP_URL, say).
 */
export async function startPortal({ bin = process.env.MADOGUCHI_BIN, timeoutMs = 60_000, env: extra = {} } = {}) {
  const binary = portalBinary(bin);
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'madoguchi-browser-'));
  const logPath = join(dataDir, 'portal.log');
  const log = await open(logPath, 'w');
  // Only our settings: nothing from the caller's MADOGUCHI_* or DATABASE_URL leaks in.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('MADOGUCHI_') && k !== 'DATABASE_URL'),
  );
  Object.assign(env, {
    MADOGUCHI_BIND: `127.0.0.1:${port}`,
    MADOGUCHI_BASE_URL: `http://localhost:${port}`,
    MADOGUCHI_DATA_DIR: dataDir,
    MADOGUCHI_DEMO: 'true',
    MADOGUCHI_LOG: process.env.MADOGUCHI_BROWSER_LOG || 'warn',
    // The simulated issuing body (a background task in demo mode) takes a second a stage, not 20: a flow
    // follows an express card from acceptance to delivery in seconds.
    MADOGUCHI_ISSUING_BODY_STEP_SECONDS: '1',
    ...extra,
  });
  const child = spawn(binary, ['serve'], { env, stdio: ['ignore', log.fd, log.fd] });
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const base = `http://localhost:${port}`;
  const portal = {
    base,
    port,
    dataDir,
    logPath,
    async logTail(lines = 30) {
      const text = await readFile(logPath, 'utf8').catch(() => '');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop() {
      process.off('exit', killOnExit);
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(t);
      }
      await log.close().catch(() => {});
      if (!process.env.MADOGUCHI_BROWSER_KEEP) await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const tail = await portal.logTail();
      await portal.stop();
      throw new Error(`the portal stopped during start-up (${JSON.stringify(exited)}):\n${tail}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok && (await r.text()).trim() === 'ok') return portal;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      const tail = await portal.logTail();
      await portal.stop();
      throw new Error(`the portal did not answer /healthz within ${timeoutMs / 1000} s:\n${tail}`);
    }
    await sleep(150);
  }
}
