'use strict';
// Launches Debian's chromium through playwright-core (never a downloaded browser), headless, with
// a fresh profile and its own HOME/XDG_CONFIG_HOME (chromium writes its crashpad database there
// whatever the profile directory is).
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function chromiumPath() {
  return fs.existsSync(CHROMIUM) ? CHROMIUM : null;
}

/** Returns { context, page, close() }; `dir` is removed and recreated. */
async function launch(dir, { viewport = { width: 1440, height: 900 } } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  const profile = path.join(dir, 'profile');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--disable-features=Translate,MediaRouter'],
    viewport,
  });
  const page = context.pages()[0] || await context.newPage();
  return {
    context, page,
    close: async () => {
      await context.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { CHROMIUM, chromiumPath, launch };
