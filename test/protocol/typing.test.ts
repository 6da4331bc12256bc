/**
 * Robustness: a realistic multi-stage Dockerfile typed character by character (one didChange
 * per character), asking hover, code lenses, inlay hints, symbols, completion and folding at every step, then
 * deleted again from the end. Every response must be well-formed, the server must stay up and
 * log no error, and each document version gets at most one bounded diagnostics publication.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NODE_PROJECT, PROBLEMS } from './fixtures';
import { LspClient } from './lspClient';

type Pos = { line: number; character: number };
type Range = { start: Pos; end: Pos };
const MAX_DIAGNOSTICS = 200;

function endOf(text: string): Pos {
    const lines = text.split('\n');
    return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

function checkPos(text: string, p: Pos, what: string): void {
    const lines = text.split('\n');
    assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.line < lines.length, `${what}: line ${p.line} outside 0..${lines.length - 1}`);
    assert.ok(Number.isInteger(p.character) && p.character >= 0 && p.character <= lines[p.line]!.length, `${what}: character ${p.character} outside line ${p.line}`);
}

function checkRange(text: string, r: Range, what: string): void {
    checkPos(text, r.start, what + ' start');
    checkPos(text, r.end, what + ' end');
    assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${what}: start after end`);
}

function inside(outer: Range, inner: Range): boolean {
    const le = (a: Pos, b: Pos) => a.line < b.line || (a.line === b.line && a.character <= b.character);
    return le(outer.start, inner.start) && le(inner.end, outer.end);
}

async function probe(c: LspClient, uri: string, text: string, cursor: Pos): Promise<void> {
    const td = { textDocument: { uri } };
    const [hover, lenses, hints, symbols, completion, folding] = await Promise.all([
        c.request<{ contents: { kind: string; value: string }; range?: Range } | null>('textDocument/hover', { ...td, position: cursor }),
        c.resolvedCodeLenses<{ range: Range; command: { title: string; command: string; arguments: unknown[] } }>(uri),
        c.inlayHints<{ position: Pos; label: { value: string; command: { command: string; arguments: unknown[] } }[] }>(uri),
        c.request<{ name: string; kind: number; range: Range; selectionRange: Range; children?: unknown[] }[]>('textDocument/documentSymbol', td),
        c.request<{ label: string; textEdit?: { range: Range; newText: string } }[] | null>('textDocument/completion', { ...td, position: cursor }),
        c.request<{ startLine: number; endLine: number }[]>('textDocument/foldingRange', td),
    ]);
    const at = JSON.stringify(text.slice(-40));
    if (hover !== null) {
        assert.equal(hover.contents.kind, 'markdown', at);
        assert.ok(typeof hover.contents.value === 'string' && hover.contents.value.length > 0, at);
        if (hover.range) checkRange(text, hover.range, `hover ${at}`);
    }
    assert.ok(Array.isArray(lenses), at);
    const checkArgs = (args: unknown[]) => {
        const [u, index, name] = args as [string, number, string | null];
        assert.equal(u, uri);
        assert.ok(Number.isInteger(index) && index >= 0, at);
        assert.ok(name === null || (typeof name === 'string' && name.length > 0), at);
    };
    for (const l of lenses) {
        checkRange(text, l.range, `lens ${at}`);
        assert.ok(l.command.title === '$(play) Build with cache' && l.command.command === 'stagecraft.buildStage', at);
        checkArgs(l.command.arguments);
    }
    assert.ok(Array.isArray(hints), at);
    assert.equal(hints.length, lenses.length, `one hint per lens ${at}`);
    for (const h of hints) {
        checkPos(text, h.position, `inlay hint ${at}`);
        assert.equal(h.position.character, text.split('\n')[h.position.line]!.replace(/\r$/, '').length, `hint at the end of its line ${at}`);
        assert.ok(h.label.length === 1 && h.label[0]!.value.length > 0 && h.label[0]!.command.command === 'stagecraft.showStage', at);
        checkArgs(h.label[0]!.command.arguments);
    }
    assert.ok(Array.isArray(symbols), at);
    for (const s of symbols) {
        assert.ok(typeof s.name === 'string' && s.name.length > 0, `symbol name ${at}`);
        checkRange(text, s.range, `symbol ${at}`);
        checkRange(text, s.selectionRange, `symbol selection ${at}`);
        assert.ok(inside(s.range, s.selectionRange), `selectionRange inside range ${at}`);
        for (const ch of (s.children ?? []) as { range: Range; selectionRange: Range; name: string }[]) {
            checkRange(text, ch.range, `child ${at}`);
            assert.ok(inside(s.range, ch.range), `child inside parent ${at}`);
            assert.ok(ch.name.length > 0);
        }
    }
    assert.ok(Array.isArray(completion), at);
    const labels = new Set<string>();
    for (const item of completion) {
        assert.ok(typeof item.label === 'string' && item.label.length > 0, at);
        assert.ok(!labels.has(item.label), `duplicate completion ${item.label} ${at}`);
        labels.add(item.label);
        if (item.textEdit) {
            checkRange(text, item.textEdit.range, `completion edit ${at}`);
        }
    }
    assert.ok(Array.isArray(folding), at);
    for (const f of folding) {
        assert.ok(Number.isInteger(f.startLine) && f.endLine >= f.startLine && f.endLine < text.split('\n').length, `folding ${at}`);
    }
}

function checkDiagnosticsLog(c: LspClient, uri: string, texts: Map<number, string>): void {
    const perVersion = new Map<number, number>();
    for (const p of c.diagnosticsLog) {
        if (p.uri !== uri || p.version === undefined) continue;
        perVersion.set(p.version, (perVersion.get(p.version) ?? 0) + 1);
        assert.ok(p.diagnostics.length <= MAX_DIAGNOSTICS, `version ${p.version}: ${p.diagnostics.length} diagnostics`);
        const text = texts.get(p.version);
        assert.ok(text !== undefined, `diagnostics for unknown version ${p.version}`);
        for (const d of p.diagnostics) {
            checkRange(text, d.range, `diagnostic ${String(d.code)} v${p.version}`);
            assert.ok(typeof d.message === 'string' && d.message.length > 0);
        }
    }
    for (const [v, n] of perVersion) assert.ok(n <= 1, `version ${v} published ${n} times`);
}

for (const otherDockerExtension of [false, true]) {
    describe(`typing a Dockerfile character by character (otherDockerExtension: ${otherDockerExtension})`, () => {
        let c: LspClient;
        const uri = `file:///ws/typing-${otherDockerExtension}.Dockerfile`;
        const texts = new Map<number, string>();
        before(async () => {
            c = await LspClient.start({ initializationOptions: { otherDockerExtension } });
        });
        after(async () => c.stop());

        it('types it: every response well-formed, the server stays up', async () => {
            let text = '';
            await c.open(uri, text);
            texts.set(1, text);
            for (const ch of NODE_PROJECT) {
                const pos = endOf(text);
                text += ch;
                const v = await c.change(uri, [{ range: { start: pos, end: pos }, text: ch }]);
                texts.set(v, text);
                await probe(c, uri, text, endOf(text));
                assert.ok(c.alive, 'server alive');
            }
            const final = await c.diagnostics(uri, c.version(uri));
            assert.equal(final.version, c.version(uri));
            const ours = final.diagnostics.filter((d) => d.source === 'stagecraft').map((d) => [d.code, d.range.start.line]);
            assert.deepEqual(ours, [['unused-stage', 17]]);
            const lenses = await c.resolvedCodeLenses<{ command: { title: string } }>(uri);
            assert.equal(lenses.length, 5);
            assert.ok(lenses.every((l) => l.command.title.length > 0), 'every lens resolves to a title');
            const hints = await c.inlayHints<{ label: { value: string }[] }>(uri);
            assert.equal(hints.length, 5);
            assert.ok(hints.every((h) => h.label[0]!.value.length > 0), 'every hint has a text');
        });

        it('deletes it again from the end, and pastes a broken file in the middle', async () => {
            let text = texts.get(c.version(uri))!;
            while (text.length > 0) {
                const start = endOf(text.slice(0, -1));
                const end = endOf(text);
                text = text.slice(0, -1);
                const v = await c.change(uri, [{ range: { start, end }, text: '' }]);
                texts.set(v, text);
                if (text.length % 3 === 0) await probe(c, uri, text, endOf(text));
            }
            // Half of one file pasted into another, unbalanced quotes and heredocs, odd escapes.
            const broken = PROBLEMS.slice(0, 200) + '\nRUN <<EOF\necho "unterminated\nFROM  --platform=$BUILDPLATFORM AS\nCOPY --from= --from=x\n# escape=`\nRUN --mount=from=,type=bind\n\\\n' + NODE_PROJECT.slice(100);
            const v = await c.change(uri, broken);
            texts.set(v, broken);
            const lines = broken.split('\n');
            for (let line = 0; line < lines.length; line++) {
                for (const character of [0, Math.floor(lines[line]!.length / 2), lines[line]!.length]) {
                    await probe(c, uri, broken, { line, character });
                }
            }
            await c.diagnostics(uri, v);
            assert.ok(c.alive);
        });

        it('every line-boundary prefix, opened on its own, gets diagnostics inside the document', async () => {
            const cuts: number[] = [];
            for (let i = 0; i < NODE_PROJECT.length; i++) {
                if (NODE_PROJECT[i] === '\n' || NODE_PROJECT[i] === '\\') cuts.push(i + 1);
            }
            for (const cut of cuts) {
                const text = NODE_PROJECT.slice(0, cut);
                const u = `${uri}.prefix-${cut}`;
                await c.open(u, text);
                const { diagnostics } = await c.diagnostics(u, 1);
                for (const d of diagnostics) checkRange(text, d.range, `prefix ${cut} ${String(d.code)}`);
                await c.close(u);
            }
        });

        it('survives 300 seeded random edits (tokens inserted, ranges deleted) with requests at random positions', async () => {
            const TOKENS = ['FROM ', ' AS ', 'COPY --from=', 'RUN --mount=type=bind,from=', '\\\n', '<<EOF\n', 'EOF\n', '"', "'", '$', '${', '}', '\n', '# escape=`\n',
                'ARG A=${B:-x}\n', 'builder', 'base', '0', '9', ' ', '\t', '\r\n', 'ONBUILD ', 'scratch', 'context', '--platform=$BUILDPLATFORM ', 'é', '\u{1F433}'];
            // STAGECRAFT_FUZZ_SEED / STAGECRAFT_FUZZ_EDITS explore further; the default run is fixed.
            let seed = Number(process.env.STAGECRAFT_FUZZ_SEED ?? 0x5eed);
            const edits = Number(process.env.STAGECRAFT_FUZZ_EDITS ?? 300);
            const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
            let text = NODE_PROJECT;
            const u = `${uri}.fuzz`;
            await c.open(u, text);
            const doc = () => text;
            const posAt = (offset: number): Pos => {
                const before = doc().slice(0, offset).split('\n');
                return { line: before.length - 1, character: before[before.length - 1]!.length };
            };
            for (let i = 0; i < edits; i++) {
                const a = rand(text.length + 1);
                const b = rand(4) === 0 ? Math.min(text.length, a + rand(20)) : a;
                const insert = b > a && rand(2) === 0 ? '' : TOKENS[rand(TOKENS.length)]!;
                const range = { start: posAt(a), end: posAt(b) };
                text = text.slice(0, a) + insert + text.slice(b);
                await c.change(u, [{ range, text: insert }]);
                // LSP positions count UTF-16 code units, like JS strings: the server's document agrees.
                await probe(c, u, text, posAt(rand(text.length + 1)));
            }
            const final = await c.diagnostics(u, c.version(u));
            for (const d of final.diagnostics) checkRange(text, d.range, `fuzz final ${String(d.code)}`);
            assert.ok(c.alive);
        });

        it('no version was published twice, none with more than the cap, every range valid; no error of ours logged', () => {
            checkDiagnosticsLog(c, uri, texts);
            // No failure of ours; a failure inside dockerfile-language-service is a warning, logged
            // once per distinct failure (bounded however long the typing goes on).
            assert.deepEqual(c.logMessages.filter((m) => m.type === 1), []);
            const warnings = c.logMessages.filter((m) => m.type === 2);
            assert.ok(warnings.length <= 20, `${warnings.length} warnings`);
            assert.ok(warnings.every((w) => w.message.startsWith('[stagecraft] general ')), JSON.stringify(warnings));
            assert.equal(c.stderr, '');
        });
    });
}
