import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GO_PROJECT, PROBLEMS } from './fixtures';
import { LspClient } from './lspClient';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Lens = { range: Range; command: { title: string; command: string; arguments?: unknown[] } };
type Unresolved = { range: Range; data?: unknown; command?: unknown };

const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });

function lenses(uri: string, stages: [line: number, index: number, name: string | null, summary: string][]): Lens[] {
    return stages.flatMap(([line, index, name, summary]) => [
        { range: at(line), command: { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [uri, index, name] } },
        { range: at(line), command: { title: summary, command: 'stagecraft.showStage', arguments: [uri, index, name] } },
    ]);
}

/** What a lens resolves to when there is nothing to show (VS Code renders an empty title as nothing). */
const empty = (line: number): Lens => ({ range: at(line), command: { title: '', command: '' } });

const errorsLogged = (c: LspClient) => c.logMessages.filter((m) => m.type === 1).map((m) => m.message);

describe('code lenses above every FROM', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ workspaceFolders: ['/ws'] });
    });
    after(async () => c.stop());

    it('the server resolves lenses (codeLens/resolve)', () => {
        assert.deepEqual(c.initializeResult?.capabilities.codeLensProvider, { resolveProvider: true });
    });

    it('build lens and summary lens (patterns, used by N, unused by <target>, build target)', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        await c.open(uri, GO_PROJECT);
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(uri), lenses(uri, [
            [3, 0, 'base', 'alias · used by 2'],
            [7, 1, 'deps', 'split-step · used by 1'],
            [11, 2, 'builder', 'builder-app · used by 3'],
            [15, 3, 'test', 'tested-app · unused by app'],
            [18, 4, 'lint', 'unused by app'],
            [21, 5, 'app', 'build target'],
        ]));
    });

    it('unnamed stages carry a null name; the summary follows duplicate names and forward references', async () => {
        const uri = 'file:///ws/problems.Dockerfile';
        await c.open(uri, PROBLEMS);
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(uri), lenses(uri, [
            [0, 0, 'builder', 'inner-base · used by 2'],
            [3, 1, 'scratch', 'builder-app · used by 1'],
            [9, 2, 'Builder', 'unused by later'],
            [13, 3, 'later', 'builder-app · build target'],
        ]));
        const unnamed = 'file:///ws/unnamed.Dockerfile';
        await c.open(unnamed, 'FROM alpine:3.20\nRUN echo > /x\nFROM alpine:3.20\nCOPY --from=0 /x /x\n');
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(unnamed), lenses(unnamed, [
            [0, 0, null, 'builder-app · used by 1'],
            [2, 1, null, 'build target'],
        ]));
    });

    it('an empty or FROM-less document has no lenses', async () => {
        const uri = 'file:///ws/empty.Dockerfile';
        await c.open(uri, '# nothing yet\nRUN echo\n');
        assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
    });

    it('the list carries no commands, only a range and one small number per lens', async () => {
        const uri = 'file:///ws/big.Dockerfile';
        const text = Array.from({ length: 1000 }, (_, i) => `FROM alpine:3.20 AS s${i}\nRUN echo ${i}\n`).join('');
        await c.open(uri, text);
        const list = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.equal(list.length, 2000);
        for (const lens of list) {
            assert.equal(lens.command, undefined);
            assert.deepEqual(Object.keys(lens).sort(), ['data', 'range']);
            assert.ok(Number.isSafeInteger(lens.data), JSON.stringify(lens));
        }
        assert.equal(new Set(list.map((l) => l.data)).size, 2000, 'every lens has its own data');
        // ~95 bytes per lens at line 1998 (the commands made it ~210: 420 KB at 1,000 stages)
        const bytes = Buffer.byteLength(JSON.stringify(list));
        assert.ok(bytes / list.length <= 100, `${(bytes / list.length).toFixed(1)} bytes per lens`);
        // the last lens resolves to the last stage
        assert.deepEqual(await c.request('codeLens/resolve', list[1999]), lenses(uri, [[1998, 999, 's999', 'build target']])[1]);
        await c.close(uri);
    });

    it('a lens of an older version resolves with the current analysis; a removed stage gives an empty title', async () => {
        const uri = 'file:///ws/edited.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const old = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.equal(old.length, 12);
        // Drop the last stage (app, lines 21-23): lint becomes the last stage and the target.
        const lines = GO_PROJECT.split('\n');
        await c.change(uri, lines.slice(0, 21).join('\n'));
        const resolved = await Promise.all(old.map((l) => c.request<Lens>('codeLens/resolve', l)));
        assert.deepEqual(resolved.slice(8, 10), lenses(uri, [[18, 4, 'lint', 'build target']]));
        assert.equal(resolved[7]!.command.title, 'tested-app · unused by lint');
        assert.deepEqual(resolved.slice(10), [empty(21), empty(21)]);
        // A fresh list has the new stages only.
        assert.equal((await c.resolvedCodeLenses<Lens>(uri)).length, 10);
        assert.deepEqual(errorsLogged(c), []);
    });

    it('a lens of a closed document resolves to an empty title, also after it is reopened', async () => {
        const uri = 'file:///ws/closed.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const old = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        await c.close(uri);
        assert.deepEqual(await c.request('codeLens/resolve', old[0]), empty(3));
        await c.open(uri, GO_PROJECT);
        assert.deepEqual(await c.request('codeLens/resolve', old[0]), empty(3), 'a document key is not reused');
        const fresh = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.deepEqual(await c.request('codeLens/resolve', fresh[0]), lenses(uri, [[3, 0, 'base', 'alias · used by 2']])[0]);
        assert.deepEqual(errorsLogged(c), []);
    });

    it('malformed lenses resolve to an empty title, without an error', async () => {
        for (const data of [undefined, null, 'x', -1, 1.5, [1, 0, 0], { u: 'file:///ws/go.Dockerfile' }, 2 ** 60, 999 * 2 ** 22]) {
            assert.deepEqual(await c.request('codeLens/resolve', { range: at(2), data }), empty(2), JSON.stringify(data));
        }
        assert.deepEqual(errorsLogged(c), []);
        assert.ok(c.alive);
    });
});

describe('code lenses turned off', () => {
    it('the list is empty and a lens asked for anyway resolves to an empty title', async () => {
        const c = await LspClient.start();
        try {
            const uri = 'file:///ws/go.Dockerfile';
            await c.open(uri, GO_PROJECT);
            const list = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
            assert.equal(list.length, 12);
            const next = c.nextDiagnostics(uri);
            await c.setSettings({ features: { codeLens: false } });
            await next;
            assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
            assert.deepEqual(await c.request('codeLens/resolve', list[0]), empty(3));
            assert.deepEqual(errorsLogged(c), []);
        } finally {
            await c.stop();
        }
    });
});
