'use strict';
// Playwright helpers for VS Code's workbench (code-server 4.100.3 = VS Code 1.100.3).
// Every wait polls a condition in the DOM; there are no fixed sleeps.

const MOD = 'Control';

async function poll(fn, { timeout = 30000, interval = 150, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = undefined; if (Date.now() > end) throw e; }
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

async function openWorkbench(page, url) {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
}

/** Opens `dir/file` from the Explorer the way a user does: expand the folder, click the file. */
async function openFromExplorer(page, dir, file) {
  const rows = page.locator('.explorer-folders-view .monaco-list-row');
  const folder = rows.filter({ hasText: new RegExp(`^${escapeRe(dir)}$`) }).first();
  await folder.waitFor();
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  const fileRow = rows.filter({ hasText: new RegExp(`^${escapeRe(file)}$`) }).first();
  await fileRow.waitFor();
  await fileRow.click();
  await page.locator('.tab.active', { hasText: file }).waitFor();
  await page.locator('.monaco-editor .view-lines .view-line').first().waitFor();
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** Moves the cursor to a 1-based line (and column) with "Go to Line" (Ctrl+G), which reveals it. */
async function goToLine(page, line, column = 1) {
  await focusEditor(page);
  await page.keyboard.press(`${MOD}+G`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);   // the ":" prefix selects "Go to Line" in the quick input
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

async function focusEditor(page) {
  const ed = page.locator('.editor-instance .monaco-editor textarea.inputarea, .editor-instance .monaco-editor .native-edit-context').first();
  await ed.focus();
}

/** The `.view-line` element whose text contains `text` (the line must be rendered). */
function viewLine(page, text) {
  return page.locator('.monaco-editor .view-lines .view-line', { hasText: text }).first();
}

/** Screen rectangle of `word` inside the rendered line that contains `lineText`. */
async function wordBox(page, lineText, word) {
  const line = viewLine(page, lineText);
  await line.waitFor();
  const box = await line.evaluate((el, w) => {
    const normalize = (s) => s.replace(/\u00a0/g, ' ');
    const full = normalize(el.textContent || '');
    const at = full.lastIndexOf(w);
    if (at < 0) return null;
    // walk the text nodes to the word's offset and measure it with a DOM Range
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let offset = 0; let node; let startNode; let startOff; let endNode; let endOff;
    while ((node = walker.nextNode())) {
      const len = node.textContent.length;
      if (startNode === undefined && at < offset + len) { startNode = node; startOff = at - offset; }
      if (startNode !== undefined && at + w.length <= offset + len) { endNode = node; endOff = at + w.length - offset; break; }
      offset += len;
    }
    if (!startNode || !endNode) return null;
    const r = document.createRange();
    r.setStart(startNode, startOff); r.setEnd(endNode, endOff);
    const b = r.getBoundingClientRect();
    return { x: b.x, y: b.y, width: b.width, height: b.height };
  }, word);
  if (!box) throw new Error(`"${word}" not found in the line "${lineText}"`);
  return box;
}

/** Hovers `word` in the line containing `lineText` until a hover containing `expect` shows. */
async function hoverWord(page, lineText, word, expect, { tries = 6 } = {}) {
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').filter({ hasText: expect });
  for (let i = 0; i < tries; i++) {
    const b = await wordBox(page, lineText, word);
    await page.mouse.move(b.x + b.width + 200, b.y - 60);   // off the word, so the next move re-triggers
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 3 });
    try { await hover.first().waitFor({ timeout: 5000 }); return (await hover.first().innerText()).trim(); }
    catch (e) { if (i === tries - 1) throw e; }
  }
  return '';
}

/** The code lens links rendered above the line containing `lineText` (their texts). */
async function lensesAbove(page, lineText) {
  const line = viewLine(page, lineText);
  await line.waitFor();
  const lb = await line.boundingBox();
  const all = page.locator('.monaco-editor .codelens-decoration');
  const n = await all.count();
  let best = null;
  for (let i = 0; i < n; i++) {
    const d = all.nth(i);
    const b = await d.boundingBox();
    if (!b || b.y > lb.y) continue;
    if (lb.y - b.y > lb.height * 1.6) continue;          // must be the line right above
    if (!best || b.y > best.box.y) best = { el: d, box: b };
  }
  return best ? best.el : null;
}

/**
 * The inlay hints rendered in the line containing `lineText` (their texts, in order). VS Code draws
 * a hint as injected text: a span with a generated `dyn-rule-<editor>-<n>` class inside the
 * `.view-line`, after the line's own tokens (`.mtk*` spans); a hint's padding is a separate, blank
 * span. Null when the line is not rendered.
 */
async function inlayHintsIn(page, lineText) {
  const line = viewLine(page, lineText);
  if ((await line.count()) === 0) return null;
  return line.evaluate((el) => Array.from(el.querySelectorAll('span[class*="dyn-rule-"]'))
    .filter((s) => !s.querySelector('span'))
    .map((s) => (s.textContent || '').replace(/\u00a0/g, ' ').trim())
    .filter(Boolean));
}

/** Clicks (with `options.modifiers`, e.g. Ctrl to run its command) the inlay hint containing `hintText` in the line containing `lineText`. */
async function clickInlayHint(page, lineText, hintText, options = {}) {
  const hint = viewLine(page, lineText).locator('span[class*="dyn-rule-"]', { hasText: hintText }).last();
  await hint.waitFor();
  const b = await hint.boundingBox();
  // move onto it first: VS Code underlines a hint's command part (and arms the click) on a modified hover
  if (options.modifiers) for (const m of options.modifiers) await page.keyboard.down(m);
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 3 });
  await page.mouse.down();
  await page.mouse.up();
  if (options.modifiers) for (const m of options.modifiers) await page.keyboard.up(m);
}

/** Clicks the code lens titled `title` above the line containing `lineText`. */
async function clickLensAbove(page, lineText, title) {
  const deco = await poll(() => lensesAbove(page, lineText), { message: `code lenses above "${lineText}"` });
  const link = deco.locator('a', { hasText: title }).first();
  await link.waitFor();
  await link.click();
}

/** Text of the rendered terminal rows (xterm DOM renderer: terminal.integrated.gpuAcceleration off). */
async function terminalLines(page) {
  const rows = page.locator('.terminal-wrapper.active .xterm-rows > div');
  const texts = await rows.allInnerTexts();
  return texts.map((s) => s.replace(/\u00a0/g, ' ').trimEnd());
}

/** Problems panel rows (Ctrl+Shift+M opens it). */
async function openProblems(page) {
  await page.keyboard.press(`${MOD}+Shift+M`);
  await page.locator('.markers-panel').waitFor();
}

async function problemRows(page) {
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
}

module.exports = {
  MOD, poll, openWorkbench, openFromExplorer, goToLine, focusEditor, viewLine, wordBox, hoverWord,
  lensesAbove, clickLensAbove, inlayHintsIn, clickInlayHint, terminalLines, openProblems, problemRows,
};
