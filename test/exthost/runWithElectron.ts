/**
 * Runs the extension-host suites in desktop VS Code with @vscode/test-electron, on a machine that
 * can download VS Code (not this offline one: there, test/e2e/run-all.js runs the same suites
 * through code-server). The extension under test is the packaged .vsix: it is installed into an
 * isolated extensions dir, and that installed folder is the extensionDevelopmentPath.
 *
 *   npm run package && npx tsc -b && node out/test/exthost/runWithElectron.js [VSIX]
 *
 * Env: STAGECRAFT_VSCODE_VERSION (default 1.100.3), STAGECRAFT_EXTHOST_SOURCE_TREE=1 to test the
 * source folder (repository root, with dist/ built) instead of a .vsix.
 */
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<number> {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string };
    const version = process.env.STAGECRAFT_VSCODE_VERSION ?? '1.100.3';
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-electron-'));
    const extensionsDir = path.join(work, 'extensions');
    const userDataDir = path.join(work, 'user-data');
    const workspace = path.join(work, 'examples');
    fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
    }, null, 2));

    const vscodeExecutablePath = await downloadAndUnzipVSCode(version);
    let extensionDevelopmentPath = ROOT;
    if (process.env.STAGECRAFT_EXTHOST_SOURCE_TREE !== '1') {
        const vsix = path.resolve(process.argv[2] ?? path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`));
        if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found: run npm run package first`);
        const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
        const r = cp.spawnSync(cli!, [...cliArgs, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], {
            encoding: 'utf8',
            stdio: 'inherit',
            shell: process.platform === 'win32',
        });
        if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status})`);
        const id = `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase();
        const installed = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase() === id);
        if (!installed) throw new Error(`${id} not found in ${extensionsDir}`);
        extensionDevelopmentPath = path.join(extensionsDir, installed);
    }

    return runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath,
        extensionTestsPath: path.join(__dirname, 'index.js'),
        launchArgs: [workspace, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
        extensionTestsEnv: { STAGECRAFT_EXTHOST_SOURCE_TREE: process.env.STAGECRAFT_EXTHOST_SOURCE_TREE ?? '' },
    });
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    },
);
