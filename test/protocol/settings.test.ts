import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GO_PROJECT } from './fixtures';
import { LspClient } from './lspClient';

type Diag = { code: string; range: { start: { line: number } } };
type Hint = { position: { line: number }; label: { value: string }[] };

const VARIANTS = [
    'ARG VARIANT=a', //                    0
    'FROM alpine:3.20 AS build-a', //      1
    'RUN echo a > /v', //                  2
    'FROM alpine:3.20 AS build-b', //      3
    'RUN echo b > /v', //                  4
    'FROM build-${VARIANT} AS final', //   5
    'RUN cat /v', //                       6
    '',
].join('\n');

const unusedLines = (diags: Diag[]) => diags.filter((d) => d.code === 'unused-stage').map((d) => d.range.start.line);

describe('settings: per document, re-read on change, re-analysed', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: true }, settings: {} });
    });
    after(async () => c.stop());

    it('target: a didChangeConfiguration re-reads the settings, re-analyses and republishes', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        await c.open(uri, GO_PROJECT);
        assert.deepEqual(unusedLines((await c.diagnostics(uri, 1)).diagnostics as Diag[]), [15, 18]);
        const asked = c.configurationRequests;
        const next = c.nextDiagnostics(uri);
        await c.setSettings({ target: 'test' });
        const republished = await next;
        assert.equal(republished.version, 1);
        assert.deepEqual(unusedLines(republished.diagnostics as Diag[]), [18, 21]);
        assert.ok(c.configurationRequests > asked, 'the settings were asked for again');
        const hints = await c.inlayHints<Hint>(uri);
        assert.deepEqual(hints.map((h) => h.label.map((p) => p.value).join('')), [
            'alias · used by 2', 'split-step · used by 1', 'builder-app · used by 3', 'tested-app · build target', 'unused by test', 'unused by test',
        ]);
        // A numeric target works too.
        const again = c.nextDiagnostics(uri);
        await c.setSettings({ target: '4' });
        assert.deepEqual(unusedLines((await again).diagnostics as Diag[]), [15, 21]);
    });

    it('build args feed the analysis: FROM build-${VARIANT} follows the override', async () => {
        const uri = 'file:///ws/variants.Dockerfile';
        await c.setSettings({});
        await c.open(uri, VARIANTS);
        assert.deepEqual(unusedLines((await c.diagnostics(uri, 1)).diagnostics as Diag[]), [3]);
        const next = c.nextDiagnostics(uri);
        await c.setSettings({ buildArgs: { VARIANT: 'b' } });
        assert.deepEqual(unusedLines((await next).diagnostics as Diag[]), [1]);
        const hover = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 1 } });
        assert.match(hover.contents.value, /\*\*Base:\*\* `final <- build-b <- alpine:3\.20`/);
    });

    it('settings are per document', async () => {
        await c.setSettings({});
        const a = 'file:///ws/a/Dockerfile';
        const b = 'file:///ws/b/Dockerfile';
        c.settingsByUri.set(a, { target: 'build-a' });
        c.settingsByUri.set(b, { target: 'build-b', diagnostics: { 'unused-stage': 'information' } });
        await c.open(a, VARIANTS);
        await c.open(b, VARIANTS);
        const da = (await c.diagnostics(a, 1)).diagnostics as (Diag & { severity: number })[];
        const db = (await c.diagnostics(b, 1)).diagnostics as (Diag & { severity: number })[];
        assert.deepEqual(da.map((d) => [d.code, d.range.start.line, d.severity]), [['unused-stage', 3, 4], ['unused-stage', 5, 4]]);
        assert.deepEqual(db.map((d) => [d.code, d.range.start.line, d.severity]), [['unused-stage', 1, 3], ['unused-stage', 5, 3]]);
    });

    it('features can be turned off one by one', async () => {
        const uri = 'file:///ws/off.Dockerfile';
        c.settingsByUri.set(uri, { features: { hover: false, codeLens: false, inlayHints: false, diagnostics: false, navigation: false, completion: false } });
        await c.open(uri, GO_PROJECT);
        assert.deepEqual((await c.diagnostics(uri, 1)).diagnostics, []);
        const td = { textDocument: { uri } };
        assert.equal(await c.request('textDocument/hover', { ...td, position: { line: 7, character: 14 } }), null);
        assert.deepEqual(await c.request('textDocument/codeLens', td), []);
        assert.deepEqual(await c.inlayHints(uri), []);
        assert.equal(await c.request('textDocument/definition', { ...td, position: { line: 15, character: 7 } }), null);
        assert.equal(await c.request('textDocument/references', { ...td, position: { line: 15, character: 7 }, context: { includeDeclaration: true } }), null);
        assert.deepEqual(await c.request('textDocument/documentSymbol', td), []);
        assert.deepEqual(await c.request('textDocument/foldingRange', td), []);
        assert.deepEqual(await c.request('textDocument/completion', { ...td, position: { line: 22, character: 12 } }), []);
        // Back on after a configuration change.
        c.settingsByUri.delete(uri);
        const next = c.nextDiagnostics(uri);
        await c.setSettings({});
        assert.deepEqual(unusedLines((await next).diagnostics as Diag[]), [15, 18]);
        assert.equal((await c.request<unknown[]>('textDocument/codeLens', td)).length, 6);
        assert.equal((await c.inlayHints(uri)).length, 6);
    });

    it('garbage settings fall back to the defaults', async () => {
        const uri = 'file:///ws/garbage.Dockerfile';
        c.settingsByUri.set(uri, { target: 42.5, buildArgs: 'x', platform: 7, diagnostics: { 'unused-stage': 'loud' }, features: null, build: [] });
        await c.open(uri, GO_PROJECT);
        const d = (await c.diagnostics(uri, 1)).diagnostics as (Diag & { severity: number })[];
        assert.deepEqual(d.map((x) => [x.code, x.severity]), [['unused-stage', 4], ['unused-stage', 4]]);
    });
});

describe('settings without workspace/configuration support (pushed with didChangeConfiguration)', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({
            initializationOptions: { otherDockerExtension: true },
            capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
        });
    });
    after(async () => c.stop());

    it('uses the pushed stagecraft section', async () => {
        const uri = 'file:///ws/push.Dockerfile';
        await c.open(uri, GO_PROJECT);
        assert.deepEqual(unusedLines((await c.diagnostics(uri, 1)).diagnostics as Diag[]), [15, 18]);
        const next = c.nextDiagnostics(uri);
        await c.setSettings({ target: 'lint' });
        assert.deepEqual(unusedLines((await next).diagnostics as Diag[]), [15, 21]);
        assert.equal(c.configurationRequests, 0);
    });
});
