import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GO_PROJECT, PROBLEMS } from './fixtures';
import { LspClient } from './lspClient';

type Lens = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; command: { title: string; command: string; arguments: unknown[] } };

const at = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 0 } });

function lenses(uri: string, stages: [line: number, index: number, name: string | null, summary: string][]): Lens[] {
    return stages.flatMap(([line, index, name, summary]) => [
        { range: at(line), command: { title: '$(play) Build with cache', command: 'stagecraft.buildStage', arguments: [uri, index, name] } },
        { range: at(line), command: { title: summary, command: 'stagecraft.showStage', arguments: [uri, index, name] } },
    ]);
}

describe('code lenses above every FROM', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ workspaceFolders: ['/ws'] });
    });
    after(async () => c.stop());

    it('build lens and summary lens (patterns, used by N, unused by <target>, build target)', async () => {
        const uri = 'file:///ws/go.Dockerfile';
        await c.open(uri, GO_PROJECT);
        const got = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.deepEqual(got, lenses(uri, [
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
        const got = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.deepEqual(got, lenses(uri, [
            [0, 0, 'builder', 'inner-base · used by 2'],
            [3, 1, 'scratch', 'builder-app · used by 1'],
            [9, 2, 'Builder', 'unused by later'],
            [13, 3, 'later', 'builder-app · build target'],
        ]));
        const unnamed = 'file:///ws/unnamed.Dockerfile';
        await c.open(unnamed, 'FROM alpine:3.20\nRUN echo > /x\nFROM alpine:3.20\nCOPY --from=0 /x /x\n');
        const got2 = await c.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: unnamed } });
        assert.deepEqual(got2, lenses(unnamed, [
            [0, 0, null, 'builder-app · used by 1'],
            [2, 1, null, 'build target'],
        ]));
    });

    it('an empty or FROM-less document has no lenses', async () => {
        const uri = 'file:///ws/empty.Dockerfile';
        await c.open(uri, '# nothing yet\nRUN echo\n');
        assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
    });
});
