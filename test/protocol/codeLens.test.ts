import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GO_PROJECT, PROBLEMS } from './fixtures';
import { LspClient } from './lspClient';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Lens = { range: Range; command: { title: string; command: string; arguments?: unknown[] } };
type Unresolved = { range: Range; data?: unknown; command?: unknown };

const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });

/** What the user sees: one "Build with cache" lens above each FROM, building that stage. */
function lenses(uri: string, stages: [line: number, index: number, name: string | null][]): Lens[] {
    return stages.map(([line, index, name]) => (
        { range: at(line), command: { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [uri, index, name] } }
    ));
}

/** What a lens resolves to when there is nothing to show (VS Code renders an empty title as nothing). */
const empty = (line: number): Lens => ({ range: at(line), command: { title: '', command: '' } });

const errorsLogged = (c: LspClient) => c.logMessages.filter((m) => m.type === 1).map((m) => m.message);

describe('a code lens above every FROM', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ workspaceFolders: ['/ws'] });
    });
    after(async () => c.stop());

    it('the server resolves lenses (codeLens/resolve)', () => {
        assert.deepEqual(c.initializeResult?.capabilities.codeLensProvider, { resolveProvider: true });
    });

    it('one "Build with cache" lens per FROM, at character 0 of its line, building that stage', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        await c.open(uri, GO_PROJECT);
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(uri), lenses(uri, [
            [3, 0, 'base'],
            [7, 1, 'deps'],
            [11, 2, 'builder'],
            [15, 3, 'test'],
            [18, 4, 'lint'],
            [21, 5, 'app'],
        ]));
    });

    it('unnamed stages carry a null name; duplicate names keep their own index; a continued FROM gets its lens on its first line', async () => {
        const uri = 'file:///ws/problems.Dockerfile';
        await c.open(uri, PROBLEMS);
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(uri), lenses(uri, [
            [0, 0, 'builder'],
            [3, 1, 'scratch'],
            [9, 2, 'Builder'],
            [13, 3, 'later'],
        ]));
        const unnamed = 'file:///ws/unnamed.Dockerfile';
        await c.open(unnamed, 'FROM alpine:3.20\nRUN echo > /x\n  FROM \\\n  alpine:3.20\nCOPY --from=0 /x /x\n');
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(unnamed), lenses(unnamed, [
            [0, 0, null],
            [2, 1, null],
        ]));
    });

    it('an empty or FROM-less document has no lenses', async () => {
        const uri = 'file:///ws/empty.Dockerfile';
        await c.open(uri, '# nothing yet\nRUN echo\n');
        assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
    });

    it('the list carries no commands, only a range and the document key per lens', async () => {
        const uri = 'file:///ws/big.Dockerfile';
        const text = Array.from({ length: 1000 }, (_, i) => `FROM alpine:3.20 AS s${i}\nRUN echo ${i}\n`).join('');
        await c.open(uri, text);
        const list = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.equal(list.length, 1000);
        for (const lens of list) {
            assert.equal(lens.command, undefined);
            assert.deepEqual(Object.keys(lens).sort(), ['data', 'range']);
        }
        assert.equal(new Set(list.map((l) => l.data)).size, 1, 'one document, one key');
        assert.ok(Number.isSafeInteger(list[0]!.data) && (list[0]!.data as number) < 100, JSON.stringify(list[0]));
        // ~90 bytes per lens, nearly all of it the range (two lenses with commands made it ~210 bytes per stage)
        const bytes = Buffer.byteLength(JSON.stringify(list));
        assert.ok(bytes / list.length <= 92, `${(bytes / list.length).toFixed(1)} bytes per lens`);
        // the first and the last lens resolve to their stages
        assert.deepEqual(await c.request('codeLens/resolve', list[0]), lenses(uri, [[0, 0, 's0']])[0]);
        assert.deepEqual(await c.request('codeLens/resolve', list[999]), lenses(uri, [[1998, 999, 's999']])[0]);
        await c.close(uri);
    });

    it('a lens of an older version resolves to the stage whose FROM is on its line NOW; no FROM there gives an empty title', async () => {
        const uri = 'file:///ws/edited.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const old = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.equal(old.length, 6);
        // Drop the last stage (app, lines 21-23), and rename lint (line 18).
        const lines = GO_PROJECT.split('\n').slice(0, 21);
        lines[18] = 'FROM base AS check';
        await c.change(uri, lines.join('\n'));
        const resolved = await Promise.all(old.map((l) => c.request<Lens>('codeLens/resolve', l)));
        assert.deepEqual(resolved, [...lenses(uri, [[3, 0, 'base'], [7, 1, 'deps'], [11, 2, 'builder'], [15, 3, 'test'], [18, 4, 'check']]), empty(21)]);
        // Two lines inserted at the top: no old lens line starts a FROM any more, except by chance.
        await c.change(uri, ['# one', '# two', ...lines].join('\n'));
        const shifted = await Promise.all(old.map((l) => c.request<Lens>('codeLens/resolve', l)));
        assert.deepEqual(shifted, [3, 7, 11, 15, 18, 21].map(empty));
        // A fresh list has the new stages, on their new lines.
        assert.deepEqual(await c.resolvedCodeLenses<Lens>(uri), lenses(uri, [[5, 0, 'base'], [9, 1, 'deps'], [13, 2, 'builder'], [17, 3, 'test'], [20, 4, 'check']]));
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
        assert.deepEqual(await c.request('codeLens/resolve', fresh[0]), lenses(uri, [[3, 0, 'base']])[0]);
        assert.deepEqual(errorsLogged(c), []);
    });

    it('malformed lenses resolve to an empty title, without an error', async () => {
        const uri = 'file:///ws/malformed.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const [good] = await c.request<Unresolved[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.deepEqual(await c.request('codeLens/resolve', good), lenses(uri, [[3, 0, 'base']])[0]);
        for (const data of [undefined, null, 'x', String(good!.data), -1, 1.5, [good!.data], { u: uri }, 2 ** 60, 999_999]) {
            assert.deepEqual(await c.request('codeLens/resolve', { range: at(3), data }), empty(3), JSON.stringify(data));
        }
        // our document key, but a range that is no FROM line, or none
        for (const range of [at(4), at(-1), at(1e9), { start: { line: 'x', character: 0 }, end: { line: 3, character: 0 } }]) {
            const lens = await c.request<Lens>('codeLens/resolve', { range, data: good!.data });
            assert.deepEqual(lens.command, { title: '', command: '' }, JSON.stringify(range));
        }
        assert.deepEqual(await c.request('codeLens/resolve', { data: good!.data }), empty(0));
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
            assert.equal(list.length, 6);
            assert.deepEqual(await c.request('codeLens/resolve', list[0]), lenses(uri, [[3, 0, 'base']])[0]);
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
