/** Changing `stagecraft.*` settings re-analyses the open Dockerfiles. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activate, codeOf, hintTexts, open, poll, positionOf, sample, setSetting, stagecraftDiagnostics } from './helpers';

suite('settings', () => {
    const uri = () => sample('busybox-demo', 'Dockerfile');
    let doc: vscode.TextDocument;

    suiteSetup(async () => {
        await activate();
        doc = (await open(uri())).document;
    });

    suiteTeardown(async () => {
        await setSetting('target', undefined);
        await setSetting('diagnostics', undefined);
    });

    test('stagecraft.target changes which stages are needed (stage summaries and faded stages)', async () => {
        const testLine = positionOf(doc, 'FROM build AS test', 'FROM').line;
        const appLine = positionOf(doc, 'FROM base AS app', 'FROM').line;
        await poll(async () => (await hintTexts(uri(), testLine)).includes('tested-app · unused by app'), 'the default analysis');

        await setSetting('target', 'test');
        await poll(async () => (await hintTexts(uri(), testLine)).includes('tested-app · build target'), '"build target" on test');
        assert.ok((await hintTexts(uri(), appLine)).some((t) => /unused by test/.test(t)), 'app is unused by test');
        await poll(() => {
            const unused = stagecraftDiagnostics(uri()).filter((d) => codeOf(d) === 'unused-stage').map((d) => d.range.start.line);
            return unused.includes(appLine) && !unused.includes(testLine);
        }, 'app faded and test not faded');

        await setSetting('target', undefined);
        await poll(async () => (await hintTexts(uri(), testLine)).includes('tested-app · unused by app'), 'back to the default target');
    });

    test('stagecraft.diagnostics turns a diagnostic off and changes its severity', async () => {
        const has = () => stagecraftDiagnostics(uri()).find((d) => codeOf(d) === 'heavy-after-broad-copy');
        await poll(has, 'the heavy-after-broad-copy warning');
        await setSetting('diagnostics', { 'heavy-after-broad-copy': 'off' });
        await poll(() => !has(), 'the warning to be turned off');
        await setSetting('diagnostics', { 'heavy-after-broad-copy': 'error' });
        const d = await poll(has, 'the diagnostic back, as an error');
        assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
        await setSetting('diagnostics', undefined);
        await poll(() => has()?.severity === vscode.DiagnosticSeverity.Warning, 'the default severity back');
    });
});
