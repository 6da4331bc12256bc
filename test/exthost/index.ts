/**
 * The extension-host test entry (the @vscode/test-electron contract): `run()` resolves when every
 * test passed and rejects otherwise. Loaded through `extensionTestsPath`, both by code-server's web
 * workbench (test/e2e/run-all.js) and by @vscode/test-electron (runWithElectron.ts).
 *
 * Besides mocha's spec reporter it prints one `STAGECRAFT-TEST pass|fail <title>` line per test,
 * which the e2e runner counts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
    const mocha = new Mocha({
        ui: 'tdd',
        color: false,
        reporter: 'spec',
        timeout: Number(process.env.STAGECRAFT_EXTHOST_TEST_TIMEOUT_MS ?? 60000),
        grep: process.env.STAGECRAFT_EXTHOST_GREP || undefined,
    });
    const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
    for (const f of files) mocha.addFile(path.join(__dirname, f));
    return new Promise((resolve, reject) => {
        const runner = mocha.run((failures) => {
            console.log(`STAGECRAFT-TOTAL ${runner.stats?.passes ?? 0} passed, ${failures} failed`);
            if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
            else resolve();
        });
        runner.on('pass', (t) => console.log(`STAGECRAFT-TEST pass ${t.fullTitle()}`));
        runner.on('fail', (t, err: unknown) =>
            console.log(`STAGECRAFT-TEST fail ${t.fullTitle()}: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`),
        );
    });
}
