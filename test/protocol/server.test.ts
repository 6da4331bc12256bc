import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultSettings } from '../../server/src/common/settings';
import { AnalysisCache } from '../../server/src/lsp/documents';
import { GO_PROJECT } from './fixtures';
import { LspClient } from './lspClient';

describe('server process', () => {
    it('runs over IPC (--node-ipc), as the VS Code client starts it', async () => {
        const c = await LspClient.start({ transport: 'ipc', initializationOptions: { otherDockerExtension: true } });
        try {
            const uri = 'file:///ws/ipc.Dockerfile';
            await c.open(uri, GO_PROJECT);
            assert.deepEqual((await c.diagnostics(uri, 1)).diagnostics.map((d) => d.code), ['unused-stage', 'unused-stage']);
            const lenses = await c.request<unknown[]>('textDocument/codeLens', { textDocument: { uri } });
            assert.equal(lenses.length, 6);
            assert.equal((await c.inlayHints(uri)).length, 6);
        } finally {
            await c.stop();
        }
        assert.equal(c.alive, false);
    });

    describe('odd requests never crash it or log errors', () => {
        let c: LspClient;
        before(async () => {
            c = await LspClient.start();
        });
        after(async () => c.stop());

        it('unknown documents, positions outside the text, a cancelled request', async () => {
            const unknown = { textDocument: { uri: 'file:///ws/never-opened' } };
            assert.equal(await c.request('textDocument/hover', { ...unknown, position: { line: 0, character: 0 } }), null);
            assert.deepEqual(await c.request('textDocument/codeLens', unknown), []);
            assert.deepEqual(await c.request('textDocument/inlayHint', { ...unknown, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } }), []);
            const uri = 'file:///ws/odd.Dockerfile';
            await c.open(uri, GO_PROJECT);
            const td = { textDocument: { uri } };
            for (const position of [{ line: 999, character: 0 }, { line: 3, character: 999 }, { line: 0, character: 0 }]) {
                await c.request('textDocument/hover', { ...td, position });
                await c.request('textDocument/completion', { ...td, position });
                await c.request('textDocument/definition', { ...td, position });
                await c.request('textDocument/documentHighlight', { ...td, position });
                await c.request('textDocument/signatureHelp', { ...td, position });
            }
            const source = new CancellationTokenSource();
            const pending = c.connection.sendRequest('textDocument/hover', { ...td, position: { line: 7, character: 14 } }, source.token);
            source.cancel();
            const outcome = await pending.then((r) => ({ result: r }), (e: { code?: number }) => ({ code: e.code }));
            assert.ok('result' in outcome || outcome.code === -32800, JSON.stringify(outcome));
            assert.deepEqual(c.logMessages.filter((m) => m.type === 1), []);
            assert.ok(c.alive);
        });

        it('shutdown and exit end the process', async () => {
            await c.stop();
            assert.equal(c.alive, false);
        });
    });
});

describe('analysis cache', () => {
    it('analyses once per document version and settings; a change or new settings analyse again', () => {
        const cache = new AnalysisCache();
        const settings = defaultSettings();
        const v1 = TextDocument.create('file:///x', 'dockerfile', 1, GO_PROJECT);
        const a = cache.get(v1, settings);
        assert.equal(cache.get(v1, settings), a);
        assert.equal(cache.get(v1, { ...settings }), a, 'equal settings, same analysis');
        assert.equal(cache.runs, 1);
        const v2 = TextDocument.update(v1, [{ text: GO_PROJECT + 'RUN true\n' }], 2);
        assert.notEqual(cache.get(v2, settings), a);
        assert.equal(cache.runs, 2);
        const other = cache.get(v2, { ...settings, target: 'test' });
        assert.equal(other.target, 3);
        assert.equal(cache.runs, 3);
        cache.delete('file:///x');
        cache.get(v2, settings);
        assert.equal(cache.runs, 4);
    });
});
