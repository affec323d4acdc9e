// A real SMTP server for the suite's portal (node:net, no dependency): enough SMTP for lettre (greeting,
// EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT; no STARTTLS, no AUTH), as
// tests/api/smtp_sink.rs does for the API tests. The portal gets MADOGUCHI_SMTP_URL, so its delivery worker
// really sends, and a flow reads what a person received: `mailbox.waitFor(to, predicate)`.
import { createServer } from 'node:net';

/** `<a@b> SIZE=…` → `a@b`. */
function address(arg) {
  const m = arg.match(/<([^>]*)>/);
  return (m ? m[1] : arg.trim().split(/\s+/)[0] ?? '').toLowerCase();
}

function unfoldHeaders(head) {
  const headers = [];
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += line.replace(/^[ \t]+/, ' ');
    else {
      const i = line.indexOf(':');
      if (i > 0) headers.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
    }
  }
  return headers;
}

function quotedPrintable(text, { underscoreIsSpace = false } = {}) {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '_' && underscoreIsSpace) bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) → text; adjacent words join without their space. */
export function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, _charset, enc, text) =>
      enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : quotedPrintable(text, { underscoreIsSpace: true }),
    );
}

function decodeBody(headers, body) {
  const encoding = (headers.find(([n]) => n === 'content-transfer-encoding')?.[1] ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return quotedPrintable(body);
  return body;
}

/**
 * A message as a person's mail program shows it: { to, subject, text, html } (the text and HTML parts of a
 * multipart message, or its one body).
 */
export function parseMessage(raw, rcptTo) {
  const split = (entity) => {
    const at = entity.indexOf('\r\n\r\n');
    return at === -1 ? [entity, ''] : [entity.slice(0, at), entity.slice(at + 4)];
  };
  const [head, body] = split(raw);
  const headers = unfoldHeaders(head);
  const header = (hs, name) => hs.find(([n]) => n === name)?.[1] ?? '';
  const parts = { text: '', html: '' };
  const walk = (hs, b) => {
    const type = header(hs, 'content-type') || 'text/plain';
    const boundary = type.match(/boundary="?([^";]+)"?/i)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const chunk of b.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith('--')) break;
        const [h, inner] = split(chunk.replace(/^\r\n/, ''));
        walk(unfoldHeaders(h), inner.replace(/\r\n$/, ''));
      }
    } else if (/^text\/html/i.test(type)) parts.html ||= decodeBody(hs, b);
    else if (/^text\//i.test(type)) parts.text ||= decodeBody(hs, b);
  };
  walk(headers, body);
  return { to: rcptTo, subject: decodeWords(header(headers, 'subject')), text: parts.text.replace(/\r\n/g, '\n'), html: parts.html };
}

class Mailbox {
  messages = [];
  #server = null;
  #waiters = new Set();

  async start() {
    this.#server = createServer((socket) => this.#serve(socket));
    await new Promise((ok, fail) => {
      this.#server.once('error', fail);
      this.#server.listen(0, '127.0.0.1', ok);
    });
    this.#server.unref();
    return this;
  }

  get url() {
    return `smtp://127.0.0.1:${this.#server.address().port}`;
  }

  async stop() {
    if (!this.#server) return;
    await new Promise((ok) => this.#server.close(() => ok()));
    this.#server = null;
  }

  #serve(socket) {
    socket.setEncoding('utf8');
    const write = (s) => socket.write(s);
    let buffer = '';
    let from = '';
    let to = [];
    let data = null; // lines of a DATA section while it comes
    write('220 mailbox.browser-suite ESMTP ready\r\n');
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer += chunk;
      let at;
      while ((at = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (data) {
          if (line === '.') {
            this.#received(from, to, data.join('\r\n') + '\r\n');
            data = null;
            to = [];
            write('250 OK queued\r\n');
          } else data.push(line.startsWith('.') ? line.slice(1) : line);
          continue;
        }
        const upper = line.toUpperCase();
        if (upper.startsWith('EHLO')) write('250-mailbox.browser-suite\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n');
        else if (upper.startsWith('HELO')) write('250 mailbox.browser-suite\r\n');
        else if (upper.startsWith('MAIL FROM:')) {
          from = address(line.slice(10));
          to = [];
          write('250 OK\r\n');
        } else if (upper.startsWith('RCPT TO:')) {
          to.push(address(line.slice(8)));
          write('250 OK\r\n');
        } else if (upper === 'DATA') {
          data = [];
          write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (upper === 'RSET') {
          from = '';
          to = [];
          write('250 OK\r\n');
        } else if (upper === 'NOOP') write('250 OK\r\n');
        else if (upper === 'QUIT') {
          write('221 Bye\r\n');
          socket.end();
        } else write('502 Command not implemented\r\n');
      }
    });
  }

  #received(from, to, raw) {
    let message;
    try {
      message = { from, ...parseMessage(raw, to) };
    } catch (e) {
      message = { from, to, subject: '', text: '', html: '', error: e.message };
    }
    this.messages.push(message);
    for (const wake of this.#waiters) wake();
  }

  /**
   * The first message to `to` for which `matches(message)` holds, waiting up to `timeoutMs` for it to arrive
   * (the portal's worker polls its outbox every 2 s). Throws, listing what `to` did get, if none comes.
   */
  async waitFor(to, matches, { timeoutMs = 30_000, what = 'the e-mail' } = {}) {
    const want = to.toLowerCase();
    const find = () => this.messages.find((m) => m.to.includes(want) && matches(m));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = this.messages.filter((m) => m.to.includes(want)).map((m) => `"${m.subject}"`);
        throw new Error(`${what} never reached ${to} within ${timeoutMs / 1000} s; it got ${got.length}: ${got.join(', ') || 'none'}`);
      }
      await new Promise((wake) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          wake();
        };
        const timer = setTimeout(done, Math.min(left, 1_000));
        this.#waiters.add(done);
      });
    }
  }
}

/** The suite's one mailbox: run.mjs starts it before the portal; flows read from it. */
export const mailbox = new Mailbox();
