'use strict';
// Workspace Trust, for real: code-server with trust ON (as users have it) opens a folder it has never
// seen, whose .vscode/settings.json points `stagecraft.build.cliPath` and `stagecraft.build.dockerPath`
// at scripts that leave a marker file when run, and whose tasks.json has a `stagecraft` task.
//
//   1. the folder opens in Restricted Mode (the user answers "No, I don't trust the authors")
//   2. the analysis works: the stage summary inlay hint and the hover card
//   3. the "Build with cache" lens starts nothing: a warning says why, no marker
//   4. the palette command "Stagecraft: Build Stage with Cache" starts nothing either
//   5. the folder's `stagecraft` task (Tasks: Run Task) starts nothing either
//   6. after the user trusts the folder, the lens runs the build: the folder's cliPath runs with the
//      folder's dockerPath, and both leave their marker
//
// The markers are written outside the workspace; no marker may exist before step 6.
const fs = require('node:fs');
const path = require('node:path');
const wb = require('./lib/workbench');
const { lineOf, stepRunner } = require('./lib/steps');

const SAMPLE_DIR = 'busybox-demo';
const DOCKERFILE = 'Dockerfile';
const EXPECT = {
  hintLine: 'FROM toolchain AS deps',
  hint: /^split-step · used by 1$/,
  hoverWord: 'deps',
  hoverCard: /split-step/,
  buildLine: 'FROM build AS test',
  buildLens: 'Build with cache',
  untrusted: /building is disabled in an untrusted workspace/,
  taskLabel: 'stagecraft: build test (from tasks.json)',
};

/**
 * Adds to `workspace` what an untrusted folder can carry to make an editor run things: settings that
 * name its own scripts as the CLI and the docker client, and a task. Returns the marker paths.
 */
function plantTraps(workspace, markerDir) {
  fs.rmSync(markerDir, { recursive: true, force: true });
  fs.mkdirSync(markerDir, { recursive: true });
  const markers = { cli: path.join(markerDir, 'cli-ran.json'), docker: path.join(markerDir, 'docker-ran.txt') };
  const vscodeDir = path.join(workspace, '.vscode');
  fs.mkdirSync(vscodeDir, { recursive: true });
  const cli = path.join(vscodeDir, 'not-stagecraft.js');
  const docker = path.join(vscodeDir, 'not-docker.sh');
  fs.writeFileSync(cli, [
    "'use strict';",
    '// Stands in for the stagecraft CLI: records that it ran, with what, and runs the configured docker.',
    "const fs = require('node:fs');",
    "const { spawnSync } = require('node:child_process');",
    `fs.writeFileSync(${JSON.stringify(markers.cli)}, JSON.stringify({ argv: process.argv.slice(2), docker: process.env.STAGECRAFT_DOCKER || null }));`,
    "if (process.env.STAGECRAFT_DOCKER) spawnSync(process.env.STAGECRAFT_DOCKER, ['version'], { stdio: 'inherit' });",
    "console.log('not-stagecraft ran');",
    '',
  ].join('\n'));
  fs.writeFileSync(docker, `#!/bin/sh\necho "$@" > ${JSON.stringify(markers.docker)}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(vscodeDir, 'settings.json'), JSON.stringify({
    'stagecraft.build.cliPath': cli,
    'stagecraft.build.dockerPath': docker,
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(vscodeDir, 'tasks.json'), JSON.stringify({
    version: '2.0.0',
    tasks: [{ type: 'stagecraft', file: `${SAMPLE_DIR}/${DOCKERFILE}`, target: 'test', label: 'stagecraft: build test (from tasks.json)' }],
  }, null, 2) + '\n');
  return markers;
}

function ran(markers) {
  return Object.entries(markers).filter(([, f]) => fs.existsSync(f)).map(([k]) => k);
}

/** Runs a command by its title from the Command Palette (F1). */
async function palette(page, title) {
  await page.keyboard.press('Escape');
  await wb.focusEditor(page).catch(() => {});
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await page.keyboard.press('Enter');
}

/** The notification toasts' texts. */
async function toasts(page) {
  return (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
}

async function clearToasts(page) {
  await palette(page, 'Notifications: Clear All Notifications');
  await wb.poll(async () => (await page.locator('.notifications-toasts .notification-toast').count()) === 0, { message: 'no notification left' });
}

async function runTrustScenario({ page, url, workspace, markerDir, shots, log = console.log }) {
  const markers = plantTraps(workspace, markerDir);
  const { step, results } = stepRunner({ page, shots, log });
  page.setDefaultTimeout(60000);
  const nothingRan = (when) => {
    const r = ran(markers);
    if (r.length) throw new Error(`${when}: ${r.join(' and ')} ran in an untrusted workspace`);
  };

  try {
    await step('the untrusted folder opens in Restricted Mode', async () => {
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      const dialog = page.locator('.monaco-dialog-box', { hasText: /trust the authors/i });
      await dialog.waitFor({ timeout: 60000 });
      await dialog.locator('.monaco-button', { hasText: /No, I don.t trust the authors/i }).click();
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    }, { critical: true });

    await step('the analysis works: the stage summary and the hover card', async () => {
      await wb.openFromExplorer(page, SAMPLE_DIR, DOCKERFILE);
      const hints = await wb.poll(async () => {
        const h = await wb.inlayHintsIn(page, EXPECT.hintLine);
        return h && h.some((t) => EXPECT.hint.test(t)) ? h : null;
      }, { timeout: 60000, message: `the stage summary ${EXPECT.hint} after "${EXPECT.hintLine}"` });
      const card = await wb.hoverWord(page, EXPECT.hintLine, EXPECT.hoverWord, EXPECT.hoverCard);
      await page.keyboard.press('Escape');
      return JSON.stringify({ hints, card: card.split('\n')[0] });
    }, { critical: true });

    await step('the "Build with cache" lens starts nothing and says why', async () => {
      await page.mouse.move(5, 5);
      await wb.goToLine(page, lineOf(path.join(workspace, SAMPLE_DIR, DOCKERFILE), EXPECT.buildLine));
      await wb.clickLensAbove(page, EXPECT.buildLine, EXPECT.buildLens);
      const said = await wb.poll(async () => (await toasts(page)).find((t) => EXPECT.untrusted.test(t)), { message: 'the untrusted-workspace warning' });
      if ((await page.locator('.terminal-wrapper').count()) > 0) throw new Error('a terminal was opened');
      nothingRan('after the lens');
      return JSON.stringify(said);
    });

    await step('the palette command "Stagecraft: Build Stage with Cache" starts nothing', async () => {
      await clearToasts(page);
      await palette(page, 'Stagecraft: Build Stage with Cache');
      await wb.poll(async () => (await toasts(page)).some((t) => EXPECT.untrusted.test(t)), { message: 'the untrusted-workspace warning' });
      nothingRan('after the palette command');
    });

    await step('the folder\'s stagecraft task starts nothing', async () => {
      await clearToasts(page);
      await palette(page, 'Tasks: Run Task');
      // Restricted Mode: VS Code asks for trust before it lists tasks; the user declines.
      const ask = page.locator('.monaco-dialog-box').filter({ hasText: /trust/i });
      const list = page.locator('.quick-input-widget .monaco-list-row', { hasText: EXPECT.taskLabel });
      const which = await wb.poll(async () => ((await ask.count()) > 0 ? 'dialog' : (await list.count()) > 0 ? 'list' : null), { message: 'a trust request or the task list' });
      let info;
      if (which === 'dialog') {
        info = (await ask.first().innerText()).replace(/\s+/g, ' ').trim();
        await ask.first().locator('.monaco-button', { hasText: /^Cancel$/ }).click();
        await ask.first().waitFor({ state: 'detached' });
      } else {
        // The list shows it: choosing it must still start nothing (the task provider resolves no untrusted task).
        await list.first().click();
        info = 'listed and chosen';
      }
      await page.keyboard.press('Escape');
      if ((await page.locator('.terminal-wrapper').count()) > 0) throw new Error('a terminal was opened');
      nothingRan('after Tasks: Run Task');
      return JSON.stringify(info);
    });

    await step('after the user trusts the folder, the lens runs its cliPath with its dockerPath', async () => {
      await clearToasts(page).catch(() => {});
      await palette(page, 'Workspaces: Manage Workspace Trust');
      const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ }).first();
      await trust.waitFor();
      await trust.click();
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'detached' });
      await wb.openFromExplorer(page, SAMPLE_DIR, DOCKERFILE);
      await wb.goToLine(page, lineOf(path.join(workspace, SAMPLE_DIR, DOCKERFILE), EXPECT.buildLine));
      await wb.clickLensAbove(page, EXPECT.buildLine, EXPECT.buildLens);
      await wb.poll(() => ran(markers).length === 2, { timeout: 60000, message: 'both markers (the configured CLI and docker ran)' });
      const cli = JSON.parse(fs.readFileSync(markers.cli, 'utf8'));
      const args = cli.argv.join(' ');
      if (!/^build -f \S+Dockerfile --target test /.test(args)) throw new Error(`the CLI got ${args}`);
      if (cli.docker !== path.join(workspace, '.vscode', 'not-docker.sh')) throw new Error(`STAGECRAFT_DOCKER was ${cli.docker}`);
      return JSON.stringify(cli);
    });
  } catch { /* recorded in results */ }
  return results;
}

module.exports = { runTrustScenario, plantTraps };
