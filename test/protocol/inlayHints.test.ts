/** The stage summary as an inlay hint at the end of every FROM line (`textDocument/inlayHint`). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CAPABILITIES, LspClient } from './lspClient';
import { GO_PROJECT, NODE_PROJECT, PROBLEMS } from './fixtures';

type Pos = { line: number; character: number };
type Part = { value: string; tooltip?: string; command?: { title: string; command: string; arguments?: unknown[] } };
type Hint = { position: Pos; label: string | Part[]; paddingLeft?: boolean; kind?: number };

/** A hint as the user sees it: where, the text, and what Ctrl+click runs. */
const seen = (h: Hint) => {
    const parts = h.label as Part[];
    assert.ok(Array.isArray(parts) && parts.length === 1, JSON.stringify(h));
    return { line: h.position.line, character: h.position.character, text: parts[0]!.value, command: parts[0]!.command?.command, args: parts[0]!.command?.arguments };
};

/** End of a 0-based line of `text`. */
const eol = (text: string, line: number) => text.split('\n')[line]!.length;

function expected(uri: string, text: string, stages: [line: number, index: number, name: string | null, summary: string][]) {
    return stages.map(([line, index, name, summary]) => ({ line, character: eol(text, line), text: summary, command: 'stagecraft.showStage', args: [uri, index, name] }));
}

const GO_SUMMARIES: [number, number, string, string][] = [
    [3, 0, 'base', 'alias · used by 2'],
    [7, 1, 'deps', 'split-step · used by 1'],
    [11, 2, 'builder', 'builder-app · used by 3'],
    [15, 3, 'test', 'tested-app · unused by app'],
    [18, 4, 'lint', 'unused by app'],
    [21, 5, 'app', 'build target'],
];

const errorsLogged = (c: LspClient) => c.logMessages.filter((m) => m.type === 1).map((m) => m.message);

describe('inlay hints: the stage summary at the end of every FROM line', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ workspaceFolders: ['/ws'], initializationOptions: { otherDockerExtension: true } });
    });
    after(async () => c.stop());

    it('the server offers inlay hints', () => {
        assert.equal(c.initializeResult?.capabilities.inlayHintProvider, true);
    });

    it('one hint per FROM: the summary (patterns, used by N, unused by <target>, build target), padded, Ctrl+click shows the stage', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const hints = await c.inlayHints<Hint>(uri);
        assert.deepEqual(hints.map(seen), expected(uri, GO_PROJECT, GO_SUMMARIES));
        for (const h of hints) {
            assert.equal(h.paddingLeft, true);
            assert.equal(h.kind, undefined, 'neither a type nor a parameter hint');
            const part = (h.label as Part[])[0]!;
            assert.equal(part.tooltip, `Stage ${part.command!.arguments![2]} (#${part.command!.arguments![1]}): ${part.value}`);
            assert.ok(part.command!.title.length > 0);
        }
    });

    it('only the hints of FROM lines inside the requested range', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        const lines = async (from: number, to: number) => (await c.inlayHints<Hint>(uri, from, to)).map((h) => h.position.line);
        assert.deepEqual(await lines(6, 12), [7, 11]);
        assert.deepEqual(await lines(7, 7), [7]);
        assert.deepEqual(await lines(8, 10), []);
        assert.deepEqual(await lines(19, 1000), [21]);
        assert.deepEqual(await lines(100, 200), []);
        // the range ends before the end of the FROM line: the hint is outside it
        const cut = await c.request<Hint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 5 } } });
        assert.deepEqual(cut.map((h) => h.position.line), [3]);
    });

    it('unnamed stages carry a null name; the summary follows duplicate names and forward references', async () => {
        const uri = 'file:///ws/problems.Dockerfile';
        await c.open(uri, PROBLEMS);
        assert.deepEqual((await c.inlayHints<Hint>(uri)).map(seen), expected(uri, PROBLEMS, [
            [0, 0, 'builder', 'inner-base · used by 2'],
            [3, 1, 'scratch', 'builder-app · used by 1'],
            [9, 2, 'Builder', 'unused by later'],
            [13, 3, 'later', 'builder-app · build target'],
        ]));
        const unnamed = 'file:///ws/unnamed.Dockerfile';
        const text = 'FROM alpine:3.20\nRUN echo > /x\nFROM alpine:3.20\nCOPY --from=0 /x /x\n';
        await c.open(unnamed, text);
        assert.deepEqual((await c.inlayHints<Hint>(unnamed)).map(seen), expected(unnamed, text, [
            [0, 0, null, 'builder-app · used by 1'],
            [2, 1, null, 'build target'],
        ]));
    });

    it('after an edit: the hints move with their lines and the summaries follow the new analysis', async () => {
        const uri = 'file:///ws/edited.Dockerfile';
        await c.open(uri, GO_PROJECT);
        assert.equal((await c.inlayHints<Hint>(uri)).length, 6);
        // Two lines on top, the last stage (app) dropped: lint is the target now, test unused by lint.
        const text = ['# one', '# two', ...GO_PROJECT.split('\n').slice(0, 21)].join('\n');
        await c.change(uri, text);
        assert.deepEqual((await c.inlayHints<Hint>(uri)).map(seen), expected(uri, text, [
            [5, 0, 'base', 'alias · used by 2'],
            [9, 1, 'deps', 'split-step · used by 1'],
            [13, 2, 'builder', 'builder-app · used by 2'],
            [17, 3, 'test', 'tested-app · unused by lint'],
            [20, 4, 'lint', 'build target'],
        ]));
        // Typing at the end of a FROM line moves its hint along (deps -> depsx: builder no longer uses it).
        const lines = text.split('\n');
        await c.change(uri, [{ range: { start: { line: 9, character: lines[9]!.length }, end: { line: 9, character: lines[9]!.length } }, text: 'x' }]);
        const deps = (await c.inlayHints<Hint>(uri, 9, 9)).map(seen);
        assert.deepEqual(deps, [{ line: 9, character: lines[9]!.length + 1, text: 'unused by lint', command: 'stagecraft.showStage', args: [uri, 1, 'depsx'] }]);
        assert.deepEqual(errorsLogged(c), []);
    });

    it('a closed or never-opened document has no hints', async () => {
        const uri = 'file:///ws/closed.Dockerfile';
        await c.open(uri, GO_PROJECT);
        assert.equal((await c.inlayHints(uri)).length, 6);
        await c.close(uri);
        assert.deepEqual(await c.inlayHints(uri), []);
        assert.deepEqual(await c.inlayHints('file:///ws/never-opened'), []);
    });

    it('a malformed Dockerfile, odd ranges: answers, no crash, no error logged', async () => {
        const uri = 'file:///ws/broken.Dockerfile';
        const broken = PROBLEMS.slice(0, 200) + '\nRUN <<EOF\necho "unterminated\nFROM  --platform=$BUILDPLATFORM AS\nCOPY --from= --from=x\n# escape=`\nFROM \\\n\nRUN --mount=from=,type=bind\n\\\n' + NODE_PROJECT.slice(100);
        await c.open(uri, broken);
        const all = await c.inlayHints<Hint>(uri);
        const lines = broken.split('\n');
        for (const h of all) {
            assert.ok(h.position.line < lines.length && h.position.character === lines[h.position.line]!.length, JSON.stringify(h));
            assert.ok(seen(h).text.length > 0);
        }
        for (let line = 0; line < lines.length; line++) {
            const one = await c.inlayHints<Hint>(uri, line, line);
            assert.deepEqual(one, all.filter((h) => h.position.line === line));
        }
        const td = { textDocument: { uri } };
        for (const range of [
            { start: { line: 10, character: 0 }, end: { line: 2, character: 0 } }, // reversed
            { start: { line: 5000, character: 0 }, end: { line: 6000, character: 0 } },
        ]) {
            assert.deepEqual(await c.request('textDocument/inlayHint', { ...td, range }), [], JSON.stringify(range));
        }
        assert.deepEqual(errorsLogged(c), []);
        // No range at all is a malformed request: an empty answer (and one logged error), the server stays up.
        assert.deepEqual(await c.request('textDocument/inlayHint', td), []);
        assert.ok(c.alive);
        assert.equal(c.stderr, '');
    });
});

describe('inlay hints and the settings', () => {
    it('the summary follows stagecraft.target; stagecraft.features.inlayHints turns the hints off, independently of the lenses', async () => {
        let refreshes = 0;
        let refreshed: () => void = () => undefined;
        const c = await LspClient.start({
            capabilities: { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true } } },
        });
        let lensRefreshes = 0;
        c.connection.onRequest('workspace/codeLens/refresh', () => { lensRefreshes++; return null; });
        c.connection.onRequest('workspace/inlayHint/refresh', () => {
            refreshes++;
            refreshed();
            return null;
        });
        const nextRefresh = () => new Promise<void>((resolve) => { refreshed = resolve; });
        try {
            const uri = 'file:///ws/go.Dockerfile';
            await c.open(uri, GO_PROJECT);
            assert.deepEqual((await c.inlayHints<Hint>(uri)).map((h) => seen(h).text), GO_SUMMARIES.map((s) => s[3]));

            // A settings change tells the client to ask again (VS Code would keep the old hints until an edit).
            let refresh = nextRefresh();
            await c.setSettings({ target: 'test' });
            await refresh;
            assert.equal(refreshes, 1);
            assert.equal(lensRefreshes, 1, 'the lenses are refreshed too (sent before the hints)');
            assert.deepEqual((await c.inlayHints<Hint>(uri)).map((h) => seen(h).text), [
                'alias · used by 2', 'split-step · used by 1', 'builder-app · used by 3', 'tested-app · build target', 'unused by test', 'unused by test',
            ]);

            refresh = nextRefresh();
            await c.setSettings({ features: { inlayHints: false } });
            await refresh;
            assert.deepEqual(await c.inlayHints(uri), []);
            assert.equal((await c.resolvedCodeLenses(uri)).length, 6, 'the lenses stay');

            refresh = nextRefresh();
            await c.setSettings({ features: { codeLens: false } });
            await refresh;
            assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
            assert.equal((await c.inlayHints(uri)).length, 6, 'the hints are back, without the lenses');
            assert.deepEqual(errorsLogged(c), []);
        } finally {
            await c.stop();
        }
    });

    it('no refresh request to a client that does not support it', async () => {
        const c = await LspClient.start();
        let asked = 0;
        c.connection.onRequest('workspace/inlayHint/refresh', () => { asked++; return null; });
        c.connection.onRequest('workspace/codeLens/refresh', () => { asked++; return null; });
        try {
            const uri = 'file:///ws/go.Dockerfile';
            await c.open(uri, GO_PROJECT);
            await c.diagnostics(uri, 1);
            const next = c.nextDiagnostics(uri);
            await c.setSettings({ target: 'test' });
            await next;
            assert.equal((await c.inlayHints<Hint>(uri)).map((h) => seen(h).text)[3], 'tested-app · build target');
            assert.equal(asked, 0);
        } finally {
            await c.stop();
        }
    });
});
