import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { GO_PROJECT } from './fixtures';
import { LspClient } from './lspClient';

const URI = 'file:///ws/Dockerfile';
type Item = { label: string; kind: number; detail: string; documentation: { kind: string; value: string }; sortText: string; textEdit: unknown; data: unknown };
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

const STAGES = analyze(GO_PROJECT, {}).stages;

/** The item the server offers for stage `i`, replacing `range`. */
function item(i: number, range: ReturnType<typeof r>): Item {
    const s = STAGES[i]!;
    const patterns = s.patterns.map((p) => p.label).join(', ');
    return {
        label: s.name!,
        kind: 18,
        detail: `stage ${i} · FROM ${s.from}${patterns ? ' · ' + patterns : ''}`,
        documentation: { kind: 'markdown', value: s.patterns.length ? s.patterns.map((p) => `- \`${p.label}\`: ${p.reason}`).join('\n') : `Stage ${i}, line ${s.line}` },
        sortText: `0-0000${i}`,
        textEdit: { range, newText: s.name! },
        data: 'stagecraft-stage',
    };
}

describe('completion of stage names', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ initializationOptions: { otherDockerExtension: true } });
        await c.open(URI, GO_PROJECT);
    });
    after(async () => c.stop());
    const complete = (line: number, character: number, uri = URI) =>
        c.request<Item[] | null>('textDocument/completion', { textDocument: { uri }, position: { line, character } });

    it('after --from=: every named stage but the current one', async () => {
        assert.deepEqual(await complete(22, 12), [0, 1, 2, 3, 4].map((i) => item(i, r(22, 12, 22, 12))));
    });
    it('with a typed prefix, the edit replaces the prefix', async () => {
        assert.deepEqual(await complete(22, 15), [0, 1, 2, 3, 4].map((i) => item(i, r(22, 12, 22, 15))));
    });
    it('after from= inside RUN --mount=', async () => {
        assert.deepEqual(await complete(19, 27), [0, 1, 2, 3].map((i) => item(i, r(19, 27, 19, 27))));
        assert.deepEqual(await complete(19, 30), [0, 1, 2, 3].map((i) => item(i, r(19, 27, 19, 30))));
    });
    it('after FROM: only the stages defined above', async () => {
        assert.deepEqual(await complete(21, 5), [0, 1, 2, 3, 4].map((i) => item(i, r(21, 5, 21, 5))));
        assert.deepEqual(await complete(11, 7), [0, 1].map((i) => item(i, r(11, 5, 11, 7))));
        assert.deepEqual(await complete(3, 5), []);
    });
    it('nothing elsewhere: RUN text, a flag value that is not from, a comment', async () => {
        assert.deepEqual(await complete(13, 4), []);
        assert.deepEqual(await complete(19, 14), []); // --mount=type=|
        assert.deepEqual(await complete(6, 10), []);
    });
    it('while typing a new COPY --from= line and a new FROM', async () => {
        const uri = 'file:///ws/typing.Dockerfile';
        await c.open(uri, 'FROM alpine:3.20 AS tools\nFROM alpine:3.20 AS app\nCOPY --from=\n');
        const got = await complete(2, 12, uri);
        assert.deepEqual(got?.map((i) => [i.label, i.textEdit]), [['tools', { range: r(2, 12, 2, 12), newText: 'tools' }]]);
        await c.change(uri, 'FROM alpine:3.20 AS tools\nFROM alpine:3.20 AS app\nFROM t');
        const got2 = await complete(2, 6, uri);
        assert.deepEqual(got2?.map((i) => [i.label, i.textEdit]), [
            ['tools', { range: r(2, 5, 2, 6), newText: 'tools' }],
            ['app', { range: r(2, 5, 2, 6), newText: 'app' }],
        ]);
        await c.change(uri, 'FROM alpine:3.20 AS tools\nRUN --mount=type=cache,target=/x,from=t');
        const got3 = await complete(1, 39, uri);
        assert.deepEqual(got3?.map((i) => i.label), []); // the only stage is the current one
        // A continuation line of a RUN: from= inside its --mount counts; chown --from= does not.
        await c.change(uri, 'FROM alpine:3.20 AS tools\nFROM alpine:3.20\nRUN --mount=type=cache,target=/x \\\n    --mount=type=bind,from=\nRUN chown --from=');
        assert.deepEqual((await complete(3, 27, uri))?.map((i) => [i.label, i.textEdit]), [['tools', { range: r(3, 27, 3, 27), newText: 'tools' }]]);
        assert.deepEqual(await complete(4, 17, uri), []);
    });
});
