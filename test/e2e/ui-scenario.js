'use strict';
// The UI scenario, in Debian's chromium against code-server with the packaged .vsix installed.
// Each step is one test (lib/steps.js: a screenshot after each, a failed critical step ends the run).
//
//   1. the workbench opens the examples folder
//   2. open examples/busybox-demo/Dockerfile from the Explorer
//   3. the "Build with cache" code lenses show, and the stage summary as an inlay hint after the FROM
//   4. hovering a stage name shows its pattern card
//   5. "Build with cache" on the `test` stage runs a real Docker build in the terminal; its summary shows
//   6. the Problems panel lists the heavy-step-after-broad-COPY diagnostic
//   7. "Split heavy step into its own stage" from the light bulb adds the new stage to the file
//   8. the editor-title button "Show Stage Graph" opens the graph beside the editor: a node per stage
//   9. clicking a node puts the cursor on its FROM line
//  10. resting the pointer on a node shows its stage card
//  11. renaming a stage in the text renames its node (the view keeps its zoom)
//  12. "Build with cache" on a selected node builds it; the node shows the result
const fs = require('node:fs');
const path = require('node:path');
const wb = require('./lib/workbench');
const { lineOf, stepRunner } = require('./lib/steps');

const SAMPLE_DIR = 'busybox-demo';
const DOCKERFILE = 'Dockerfile';
// What the extension shows (keep in step with server/src/features/*).
const EXPECT = {
  buildLens: 'Build with cache',
  summaryHintOnDeps: /^split-step · used by 1$/,
  hoverLine: 'FROM toolchain AS deps',
  hoverWord: 'deps',
  hoverCard: /split-step/,
  buildLine: 'FROM build AS test',
  // the summary table `stagecraft build` ends with, and its last line
  buildSummary: /^STAGE\s+CACHE\s+TIME\b/m,
  buildResult: /^stagecraft: done: .*\(exit (\d+)\)/m,
  buildDone: /Terminal will be reused by tasks|press any key to close/i,
  problem: /npm ci/,
  fixLine: 'RUN npm ci',            // the one in the docs stage (after COPY . .)
  fixTitle: 'Split heavy step into its own stage',
};

async function runScenario({ page, url, workspace, shots, log = console.log, steps: maxSteps }) {
  const limit = Number(maxSteps || process.env.STAGECRAFT_E2E_STEPS || 99);
  const { step, results } = stepRunner({ page, shots, log, limit });
  const file = path.join(workspace, SAMPLE_DIR, DOCKERFILE);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.setDefaultTimeout(60000);   // generous: a loaded 2-core CI machine is slow, and every wait polls

  try {
    await step('workbench opens the examples folder', async () => {
      await wb.openWorkbench(page, url);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: SAMPLE_DIR }).waitFor();
    }, { critical: true });
    await step(`open ${SAMPLE_DIR}/${DOCKERFILE} from the Explorer`, async () => {
      await wb.openFromExplorer(page, SAMPLE_DIR, DOCKERFILE);
      await wb.viewLine(page, 'FROM ${BASE_IMAGE} AS base').waitFor();
    }, { critical: true });
    await step('"Build with cache" lens above the FROM and the stage summary inlay hint after it', async () => {
      await page.locator('.codelens-decoration a', { hasText: EXPECT.buildLens }).first().waitFor({ timeout: 60000 });
      const deco = await wb.poll(async () => {
        const d = await wb.lensesAbove(page, EXPECT.hoverLine);
        return d && (await d.innerText()).includes(EXPECT.buildLens) ? d : null;
      }, { message: `a "${EXPECT.buildLens}" lens above "${EXPECT.hoverLine}"` });
      const lens = (await deco.innerText()).replace(/\s+/g, ' ').trim();
      if (/split-step|used by/.test(lens)) throw new Error(`the summary is still a lens: ${JSON.stringify(lens)}`);
      const hints = await wb.poll(async () => {
        const h = await wb.inlayHintsIn(page, EXPECT.hoverLine);
        return h && h.some((t) => EXPECT.summaryHintOnDeps.test(t)) ? h : null;
      }, { timeout: 60000, message: `an inlay hint matching ${EXPECT.summaryHintOnDeps} in the line "${EXPECT.hoverLine}"` });
      // drawn after the FROM text, on the same line
      const text = (await wb.viewLine(page, EXPECT.hoverLine).textContent()).replace(/\u00a0/g, ' ');
      if (text.indexOf(EXPECT.hoverLine) < 0 || text.indexOf(EXPECT.hoverLine) > text.indexOf('split-step')) throw new Error(`the hint is not after the FROM: ${JSON.stringify(text)}`);
      // Ctrl+click on the hint runs stagecraft.showStage: the cursor moves to the stage's FROM
      const fromLine = lineOf(file, EXPECT.hoverLine);
      await wb.goToLine(page, 1);
      const cursor = page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
      await wb.poll(async () => /^Ln 1, Col 1\b/.test((await cursor.innerText()).trim()), { message: 'the cursor on line 1' });
      await wb.clickInlayHint(page, EXPECT.hoverLine, 'split-step', { modifiers: [wb.MOD] });
      const at = await wb.poll(async () => {
        const t = (await cursor.innerText()).trim();
        return new RegExp(`^Ln ${fromLine}, Col 1\\b`).test(t) ? t : null;
      }, { timeout: 20000, message: `Ctrl+click on the hint to move the cursor to line ${fromLine}` });
      await page.keyboard.press('Escape');
      return JSON.stringify({ lens, hints, ctrlClick: at });
    });
    await step('hover a stage name shows its pattern card', async () => {
      const text = await wb.hoverWord(page, EXPECT.hoverLine, EXPECT.hoverWord, EXPECT.hoverCard);
      if (!/deps/.test(text)) throw new Error(`hover does not name the stage: ${text}`);
      return JSON.stringify(text.split('\n').slice(0, 4).join(' | '));
    });
    await step('"Build with cache" runs a real Docker build; the terminal shows its summary', async () => {
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 5);
      await wb.goToLine(page, lineOf(file, EXPECT.buildLine));
      await wb.clickLensAbove(page, EXPECT.buildLine, EXPECT.buildLens);
      await page.locator('.terminal-wrapper .xterm').first().waitFor();
      let lines = [];
      await wb.poll(async () => {
        lines = (await wb.terminalLines(page)).filter(Boolean);
        return lines.some((l) => EXPECT.buildDone.test(l));
      }, { timeout: 240000, interval: 500, message: 'the build task to finish' });
      const text = lines.join('\n');
      if (!EXPECT.buildSummary.test(text)) throw new Error(`no build summary table in the terminal:\n${text}`);
      const result = EXPECT.buildResult.exec(text);
      if (!result || result[1] !== '0') throw new Error(`the build did not succeed:\n${text}`);
      if (!/^test\s+(hit|miss)\b/m.test(text)) throw new Error(`the summary has no row for the test stage:\n${text}`);
      return JSON.stringify(lines.slice(-8));
    });
    await step('Problems panel lists the heavy-step diagnostic', async () => {
      await wb.openProblems(page);
      const rows = await wb.poll(async () => {
        const r = await wb.problemRows(page);
        return r.some((x) => EXPECT.problem.test(x)) ? r : null;
      }, { message: `a problem matching ${EXPECT.problem}` });
      return JSON.stringify(rows.filter((x) => EXPECT.problem.test(x)));
    });
    await step('"Split heavy step into its own stage" from the light bulb adds the new stage', async () => {
      const before = fs.readFileSync(file, 'utf8');
      const fixAt = lineOfLast(file, EXPECT.fixLine);
      await wb.goToLine(page, fixAt, 5);
      // VS Code 1.100 draws the light bulb in the gutter (glyph margin) of the cursor's line;
      // older builds used the .lightBulbWidget content widget.
      const bulb = page.locator('.monaco-editor [class*="codicon-gutter-lightbulb"], .monaco-editor .lightBulbWidget .codicon').filter({ visible: true });
      await bulb.first().waitFor({ timeout: 20000 });
      await bulb.first().click();
      const item = page.locator('.action-widget .monaco-list-row', { hasText: EXPECT.fixTitle }).first();
      await item.waitFor();
      // The action menu lays a pointer-block over the page until the mouse moves: move onto the item, then click.
      const box = await item.boundingBox();
      if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
      await page.locator('.context-view-pointerBlock').waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
      await item.click();
      // The edit lands in the editor (then it is saved here) or, when the fix saves, on disk directly.
      const after = await wb.poll(async () => {
        if ((await page.locator('.tab.active.dirty').count()) > 0) {
          await wb.focusEditor(page);
          await page.keyboard.press(`${wb.MOD}+S`);
        }
        const t = fs.readFileSync(file, 'utf8');
        return t !== before ? t : null;
      }, { message: 'the edit to apply and reach the file' });
      const stagesBefore = (before.match(/^FROM /gim) || []).length;
      const stagesAfter = (after.match(/^FROM /gim) || []).length;
      if (stagesAfter !== stagesBefore + 1) throw new Error(`expected one new stage, FROM count ${stagesBefore} -> ${stagesAfter}:\n${after}`);
      const added = after.split('\n').filter((l) => /^FROM /i.test(l) && !before.split('\n').includes(l));
      await wb.goToLine(page, after.split('\n').findIndex((l) => l === added[0]) + 1);
      await wb.viewLine(page, added[0]).waitFor();       // the new stage shows in the editor
      // and the warning is gone from the Problems panel
      await wb.poll(async () => !(await wb.problemRows(page)).some((x) => EXPECT.problem.test(x)), { message: 'the warning to leave the Problems panel' });
      return JSON.stringify(added);
    });
    await graphSteps({ page, file, step });
  } catch { /* recorded in results */ }
  if (pageErrors.length) log(`       (page errors: ${pageErrors.length}; first: ${pageErrors[0].slice(0, 200)})`);
  return results;
}

/** The stage graph view: open it, click, rename, build from a node. */
async function graphSteps({ page, file, step }) {
  const graph = () => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const node = (label) => graph().locator('g.node.stage', { has: graph().locator('text', { hasText: new RegExp(`^${label}$`) }) });
  const stageCount = () => (fs.readFileSync(file, 'utf8').match(/^FROM /gim) || []).length;
  await step('"Show Stage Graph" (editor title) opens the graph beside the editor', async () => {
    await wb.focusEditor(page);
    await page.locator('.editor-actions .action-label[aria-label^="Show Stage Graph"]').first().click();
    await graph().locator('g.node.stage').first().waitFor({ timeout: 60000 });
    const n = await wb.poll(async () => { const c = await graph().locator('g.node.stage').count(); return c === stageCount() ? c : null; }, { message: `${stageCount()} stage nodes` });
    if ((await graph().locator('g.node.stage.target').count()) !== 1) throw new Error('no node is marked as the target');
    if ((await graph().locator('g.node.stage.unneeded').count()) < 1) throw new Error('no unneeded stage is faded');
    if ((await graph().locator('g.edge.copy').count()) < 1) throw new Error('no COPY --from edge');
    return `${n} stage nodes, ${await graph().locator('g.node.image').count()} image node(s)`;
  });
  await step('clicking the "deps" node puts the cursor on its FROM line', async () => {
    const fromLine = lineOf(file, 'FROM toolchain AS deps');
    await wb.goToLine(page, 1);
    const cursor = page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
    await node('deps').click();
    const at = await wb.poll(async () => {
      const t = (await cursor.innerText()).trim();
      return new RegExp(`^Ln ${fromLine}, Col 1\\b`).test(t) ? t : null;
    }, { timeout: 20000, message: `the cursor on line ${fromLine}` });
    return at;
  });
  await step('resting the pointer on the "deps" node shows its stage card', async () => {
    // two points inside the node: the pointer moves over it (after the click it already rests there)
    const box = await node('deps').boundingBox();
    await node('deps').hover({ position: { x: box.width / 2 - 6, y: box.height / 2 } });
    await node('deps').hover({ position: { x: box.width / 2 + 6, y: box.height / 2 } });
    const text = await wb.poll(async () => {
      const c = graph().locator('#card:not([hidden])');
      return (await c.count()) ? (await c.innerText()).trim() : null;
    }, { timeout: 20000, message: 'the stage card' });
    if (!/Stage deps/.test(text) || !/split-step/.test(text)) throw new Error(`the card says: ${text}`);
    return JSON.stringify(text.split('\n').slice(0, 3).join(' | '));
  });
  await step('renaming the "test" stage in the text renames its node', async () => {
    const line = lineOf(file, 'FROM build AS test');
    const zoomBefore = await graph().locator('#canvas').getAttribute('style');
    await wb.goToLine(page, line, 'FROM build AS test'.length + 1);
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('FROM build AS check');
    await node('check').waitFor({ timeout: 20000 });
    if ((await node('test').count()) !== 0) throw new Error('the old name is still drawn');
    const zoomAfter = await graph().locator('#canvas').getAttribute('style');
    if (zoomBefore !== zoomAfter) throw new Error(`the view moved: ${zoomBefore} -> ${zoomAfter}`);
    await page.keyboard.press(`${wb.MOD}+S`);
    return zoomAfter;
  });
  await step('"Build with cache" on the "check" node builds it; the node shows the result', async () => {
    await node('check').click();
    const button = graph().locator('#build');
    await button.waitFor();
    if (!/check/.test(await button.innerText())) throw new Error(`the toolbar offers ${await button.innerText()}`);
    await button.click();
    await graph().locator('g.node.stage.building').first().waitFor({ timeout: 30000 });   // the node shows the build running
    const text = await wb.poll(async () => {
      const n = node('check');
      if (!(await n.count())) return null;
      const t = (await n.locator('text').allTextContents()).join(' ');
      return /\b(cached|built|partial)\b/.test(t) ? t : null;
    }, { timeout: 240000, interval: 500, message: 'a build result on the check node' });
    const app = (await node('app').locator('text').allTextContents()).join(' ');
    if (!/not needed/.test(app)) throw new Error(`app (not needed by check) shows: ${app}`);
    return JSON.stringify(text);
  });
}

function lineOfLast(file, text) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].includes(text)) return i + 1;
  throw new Error(`"${text}" not in ${file}`);
}

module.exports = { runScenario, EXPECT };
