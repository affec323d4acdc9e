// Keyboard checks: every visible link, button and form control is reached by Tab, and each shows a visible focus
// indicator. Also the small helpers keyboard-only flows use (Tab or Shift+Tab until something is focused).

/** Installed in the page: the focusable elements, their unfocused styles, and how to describe them. */
function installProbe() {
  // Links, buttons and form controls must be reachable; anything else focusable (tabindex) is only watched.
  const CONTROLS = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, summary';
  const OTHER = 'iframe, [contenteditable]:not([contenteditable="false"]), [tabindex]';
  const styleOf = (el) => {
    const cs = getComputedStyle(el);
    return {
      outlineStyle: cs.outlineStyle,
      outlineWidth: cs.outlineWidth,
      outlineColor: cs.outlineColor,
      boxShadow: cs.boxShadow,
      backgroundColor: cs.backgroundColor,
      borderColor: [cs.borderTopColor, cs.borderRightColor, cs.borderBottomColor, cs.borderLeftColor].join(' '),
      borderWidth: [cs.borderTopWidth, cs.borderRightWidth, cs.borderBottomWidth, cs.borderLeftWidth].join(' '),
    };
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += `#${el.id}`;
    for (const a of ['type', 'name', 'href']) if (el.hasAttribute(a)) d += `[${a}="${el.getAttribute(a)}"]`;
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    if (text && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) d += ` "${text.slice(0, 40)}"`;
    return d;
  };
  const onPage = (el) => {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false; // visually hidden (1 px clip)
    return r.right + scrollX > 0 && r.bottom + scrollY > 0; // not parked off-screen (left: -9999px)
  };
  const els = [...document.querySelectorAll(`${CONTROLS}, ${OTHER}`)];
  const info = els.map((el) => {
    const control = el.matches(CONTROLS);
    const mustReach = control && !el.disabled && !el.closest('[inert]') && onPage(el);
    const group = el.type === 'radio' && el.name ? `radio:${el.form ? [...document.forms].indexOf(el.form) : -1}:${el.name}` : null;
    return { desc: describe(el), mustReach, group, base: styleOf(el) };
  });
  window.__kbdProbe = { els, info, styleOf, describe, onPage };
  return info.length;
}

function focusedNow() {
  const a = document.activeElement;
  if (!a || a === document.body || a === document.documentElement) return null;
  const p = window.__kbdProbe;
  if (!p) return { idx: -1, desc: a.tagName.toLowerCase() };
  return { idx: p.els.indexOf(a), desc: p.describe(a), style: p.styleOf(a), onPage: p.onPage(a) };
}

function transparent(color) {
  return color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(color) || /\/\s*0\)$/.test(color);
}

/** What changed between the unfocused and the focused style that a sighted person can see. */
export function focusIndicator(base, focused) {
  const changes = [];
  const outlineShows = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor);
  if (
    outlineShows(focused) &&
    (!outlineShows(base) || ['outlineStyle', 'outlineWidth', 'outlineColor'].some((k) => focused[k] !== base[k]))
  ) {
    changes.push('outline');
  }
  if (focused.boxShadow !== 'none' && focused.boxShadow !== base.boxShadow) changes.push('box-shadow');
  if (focused.backgroundColor !== base.backgroundColor) changes.push('background-color');
  // A border counts where it has width (its colour follows `color` even when it is 0 px wide).
  const sides = (s) => {
    const widths = s.borderWidth.split(' ');
    const colors = s.borderColor.match(/(rgba?|color)\([^)]*\)|[a-z]+/g) ?? [];
    return widths.map((w, i) => (parseFloat(w) > 0 && !transparent(colors[i] ?? '') ? `${w} ${colors[i]}` : 'none'));
  };
  const [b, f] = [sides(base), sides(focused)];
  if (f.some((side, i) => side !== 'none' && side !== b[i])) changes.push('border');
  return changes;
}

/**
 * Tabs through the page from the top. Returns { reach: [messages], focus: [messages], reached: n }.
 * Call it on a freshly loaded page (nothing focused yet), so the first Tab starts at the top of the document.
 */
export async function checkKeyboard(page) {
  await page.mouse.move(0, 0); // no hover state in the unfocused baseline
  const count = await page.evaluate(installProbe);
  const info = await page.evaluate(() => window.__kbdProbe.info);
  const reached = new Set();
  const reachedGroups = new Set();
  const focusProblems = [];
  const others = [];
  for (let step = 0; step < count + 5; step++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(focusedNow);
    if (!f) break; // left the document: the end of the tab order
    if (f.idx === -1) {
      if (others.includes(f.desc)) break;
      others.push(f.desc);
      continue;
    }
    if (reached.has(f.idx)) break; // wrapped around
    reached.add(f.idx);
    const i = info[f.idx];
    if (i.group) reachedGroups.add(i.group);
    if (!f.onPage) {
      focusProblems.push(`${f.desc}: focused but not visible on the page`);
      continue;
    }
    if (focusIndicator(i.base, f.style).length === 0) {
      focusProblems.push(`${f.desc}: no visible focus indicator (outline, box-shadow, background and border unchanged)`);
    }
  }
  const reachProblems = info
    .map((i, idx) => ({ ...i, idx }))
    .filter((i) => i.mustReach && !reached.has(i.idx) && !(i.group && reachedGroups.has(i.group)))
    .map((i) => `${i.desc}: visible but never reached with Tab`);
  await page.evaluate(() => {
    document.activeElement?.blur?.();
    window.scrollTo(0, 0);
    delete window.__kbdProbe;
  });
  return { reach: reachProblems, focus: focusProblems, reached: reached.size, others };
}

/**
 * Presses `key` (Tab or Shift+Tab) until the focused element matches `selector`; throws after `max` presses.
 * Flows use it so that every step is a key press a person would make.
 */
export async function pressUntilFocused(page, selector, { key = 'Tab', max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i + 1;
  }
  throw new Error(`${key} never reached ${selector} (pressed ${max} times)`);
}

/** Tab forwards, and if the end of the page comes first, Shift+Tab backwards, until `selector` has focus. */
export async function focusWithKeyboard(page, selector, { max = 60 } = {}) {
  try {
    return await pressUntilFocused(page, selector, { key: 'Tab', max });
  } catch {
    return pressUntilFocused(page, selector, { key: 'Shift+Tab', max: max * 2 });
  }
}
