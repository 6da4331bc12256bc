import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { GO_PROJECT } from './fixtures';
import { LspClient } from './lspClient';

const URI = 'file:///ws/Dockerfile';
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const loc = (l1: number, c1: number, l2: number, c2: number) => ({ uri: URI, range: r(l1, c1, l2, c2) });
const pos = (line: number, character: number) => ({ textDocument: { uri: URI }, position: { line, character } });

// Occurrences of `builder` in GO_PROJECT.
const BUILDER_DECL = r(11, 13, 11, 20);
const BUILDER_FROM = r(15, 5, 15, 12);
const BUILDER_MOUNT = r(19, 27, 19, 34);
const BUILDER_COPY = r(22, 12, 22, 19);
const BUILDER_NUMERIC = r(23, 12, 23, 13);

describe('navigation', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: true } });
        await c.open(URI, GO_PROJECT);
    });
    after(async () => c.stop());

    describe('definition', () => {
        it('from FROM, --from=, mount from= and numeric --from= to the AS name', async () => {
            for (const [l, ch] of [[15, 8], [19, 30], [22, 15], [23, 12], [23, 13], [11, 15]] as const) {
                assert.deepEqual(await c.request('textDocument/definition', pos(l, ch)), { uri: URI, range: BUILDER_DECL }, `at ${l}:${ch}`);
            }
        });
        it('to the FROM of an unnamed stage referred to by index; nothing elsewhere', async () => {
            const uri = 'file:///ws/unnamed.Dockerfile';
            await c.open(uri, 'FROM alpine:3.20\nRUN echo > /x\nFROM alpine:3.20\nCOPY --from=0 /x /x\n');
            assert.deepEqual(await c.request('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 12 } }),
                { uri, range: r(0, 0, 0, 16) });
            assert.equal(await c.request('textDocument/definition', pos(13, 5)), null);
            assert.equal(await c.request('textDocument/definition', pos(21, 8)), null); // alpine:3.20 is an image
        });
    });

    describe('references', () => {
        it('ALL references: declaration, FROM, mount from=, --from= and numeric, in document order', async () => {
            const expected = [BUILDER_DECL, BUILDER_FROM, BUILDER_MOUNT, BUILDER_COPY, BUILDER_NUMERIC].map((range) => ({ uri: URI, range }));
            for (const [l, ch] of [[11, 13], [15, 5], [19, 34], [22, 12], [23, 12]] as const) {
                assert.deepEqual(await c.request('textDocument/references', { ...pos(l, ch), context: { includeDeclaration: true } }), expected, `at ${l}:${ch}`);
            }
            assert.deepEqual(await c.request('textDocument/references', { ...pos(11, 15), context: { includeDeclaration: false } }), expected.slice(1));
        });
        it('base: declaration and both FROM uses; none outside a stage name', async () => {
            assert.deepEqual(await c.request('textDocument/references', { ...pos(3, 30), context: { includeDeclaration: true } }),
                [loc(3, 29, 3, 33), loc(7, 5, 7, 9), loc(18, 5, 18, 9)]);
            assert.equal(await c.request('textDocument/references', { ...pos(12, 2), context: { includeDeclaration: true } }), null);
        });
    });

    describe('document highlights', () => {
        it('the AS name is a write, every reference a read', async () => {
            assert.deepEqual(await c.request('textDocument/documentHighlight', pos(22, 14)), [
                { range: BUILDER_DECL, kind: 3 },
                { range: BUILDER_FROM, kind: 2 },
                { range: BUILDER_MOUNT, kind: 2 },
                { range: BUILDER_COPY, kind: 2 },
                { range: BUILDER_NUMERIC, kind: 2 },
            ]);
        });
    });

    describe('rename', () => {
        it('prepareRename gives the name under the cursor and its placeholder', async () => {
            assert.deepEqual(await c.request('textDocument/prepareRename', pos(22, 14)), { range: BUILDER_COPY, placeholder: 'builder' });
            assert.deepEqual(await c.request('textDocument/prepareRename', pos(11, 13)), { range: BUILDER_DECL, placeholder: 'builder' });
            assert.equal(await c.request('textDocument/prepareRename', pos(13, 2)), null);
            await assert.rejects(c.request('textDocument/prepareRename', pos(23, 12)), /stage index/);
        });
        it('renames the AS name and every spelled reference; numeric references keep their index', async () => {
            const edit = await c.request('textDocument/rename', { ...pos(19, 30), newName: 'compile' });
            assert.deepEqual(edit, {
                changes: {
                    [URI]: [BUILDER_DECL, BUILDER_FROM, BUILDER_MOUNT, BUILDER_COPY].map((range) => ({ range, newText: 'compile' })),
                },
            });
        });
        it('the renamed file analyses to the same graph', async () => {
            const lines = GO_PROJECT.split('\n');
            const apply = (l: number, a: number, b: number) => { lines[l] = lines[l]!.slice(0, a) + 'compile' + lines[l]!.slice(b); };
            apply(22, 12, 19); apply(19, 27, 34); apply(15, 5, 12); apply(11, 13, 20);
            const before = analyze(GO_PROJECT, {});
            const after = analyze(lines.join('\n'), {});
            assert.deepEqual(after.stages.map((s) => s.dependsOn), before.stages.map((s) => s.dependsOn));
            assert.equal(after.stages[2]!.name, 'compile');
        });
        it('refuses invalid, reserved and taken names', async () => {
            await assert.rejects(c.request('textDocument/rename', { ...pos(11, 14), newName: '9lives' }), /not a valid stage name/);
            await assert.rejects(c.request('textDocument/rename', { ...pos(11, 14), newName: 'Scratch' }), /reserved/);
            await assert.rejects(c.request('textDocument/rename', { ...pos(11, 14), newName: 'DEPS' }), /already named deps/);
        });
    });

    describe('document symbols', () => {
        it('global ARGs, then the stages with FROM and patterns in the detail, instructions as children', async () => {
            const symbols = await c.request<any[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
            const patterns = analyze(GO_PROJECT, {}).stages.map((s) => s.patterns.map((p) => p.label).join(', '));
            const detail = (from: string, i: number) => (patterns[i] ? `FROM ${from} · ${patterns[i]}` : `FROM ${from}`);
            assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.kind, s.range, s.selectionRange, (s.children ?? []).map((ch: any) => [ch.name, ch.detail, ch.range.start.line])]), [
                ['GO_VERSION', 'ARG = 1.22', 13, r(1, 0, 1, 19), r(1, 0, 1, 19), []],
                ['base', detail('golang:${GO_VERSION}', 0), 5, r(3, 0, 4, 12), r(3, 29, 3, 33), [['WORKDIR', '/src', 4]]],
                ['deps', detail('base', 1), 5, r(7, 0, 9, 19), r(7, 13, 7, 17), [['COPY', 'go.mod go.sum ./', 8], ['RUN', 'go mod download', 9]]],
                ['builder', detail('deps', 2), 5, r(11, 0, 13, 34), BUILDER_DECL, [['COPY', '. .', 12], ['RUN', 'go build -o /out/app ./cmd/app', 13]]],
                ['test', detail('builder', 3), 5, r(15, 0, 16, 17), r(15, 16, 15, 20), [['RUN', 'go test ./...', 16]]],
                ['lint', detail('base', 4), 5, r(18, 0, 19, 50), r(18, 13, 18, 17), [['RUN', '--mount=type=bind,from=builder,target=/b ls /b', 19]]],
                ['app', detail('alpine:3.20', 5), 5, r(21, 0, 24, 18), r(21, 20, 21, 23), [
                    ['COPY', '--from=builder /out/app /usr/local/bin/app', 22], ['COPY', '--from=2 /out/app /usr/local/bin/app2', 23], ['ENTRYPOINT', '["app"]', 24]]],
            ]);
            assert.equal(patterns[0], 'alias');
            assert.equal(symbols[1].detail, 'FROM golang:${GO_VERSION} · alias');
        });
    });

    describe('folding', () => {
        it('one region per stage, FROM to last instruction', async () => {
            assert.deepEqual(await c.request('textDocument/foldingRange', { textDocument: { uri: URI } }), [
                { startLine: 3, endLine: 4, kind: 'region' },
                { startLine: 7, endLine: 9, kind: 'region' },
                { startLine: 11, endLine: 13, kind: 'region' },
                { startLine: 15, endLine: 16, kind: 'region' },
                { startLine: 18, endLine: 19, kind: 'region' },
                { startLine: 21, endLine: 24, kind: 'region' },
            ]);
        });
    });
});
