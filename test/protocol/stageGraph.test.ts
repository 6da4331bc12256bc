/** `stagecraft/stageGraph` through the real server: the graph of the current version, with the editor's diagnostics and settings. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StageGraphResult } from '../../server/src/common/graphProtocol';
import { GO_PROJECT } from './fixtures';
import { LspClient } from './lspClient';

const URI = 'file:///ws/Dockerfile';

describe('stagecraft/stageGraph', () => {
    let c: LspClient;
    before(async () => {
        c = await LspClient.start({ workspaceFolders: ['/ws'] });
        await c.open(URI, GO_PROJECT);
    });
    after(async () => c.stop());

    const graph = () => c.request<StageGraphResult | null>('stagecraft/stageGraph', { textDocument: { uri: URI } });

    it('answers the graph of the open document, at its version', async () => {
        const r = (await graph())!;
        assert.equal(r.uri, URI);
        assert.equal(r.version, 1);
        assert.equal(r.graph.schema, 'stagecraft.stage-graph/v1');
        assert.ok(r.graph.stages.length >= 3);
        assert.equal(r.graph.stages[r.graph.target!]!.role, 'target');
    });

    it('follows edits: a renamed stage is renamed in the graph of the next version', async () => {
        const before = (await graph())!;
        const name = before.graph.stages[1]!.name!;
        const version = await c.change(URI, GO_PROJECT.replace(new RegExp(`\\bAS ${name}\\b`), 'AS renamed'));
        const r = (await graph())!;
        assert.equal(r.version, version);
        assert.equal(r.graph.stages[1]!.label, 'renamed');
        await c.change(URI, GO_PROJECT);
    });

    it('follows the settings: the target, and the diagnostics switch', async () => {
        await c.setSettings({ target: '1' });
        const r = (await graph())!;
        assert.equal(r.graph.target, 1);
        assert.equal(r.graph.stages[1]!.role, 'target');
        assert.equal(r.graph.stages[0]!.role, 'needed', 'what the target builds on');
        await c.setSettings({});
    });

    it('marks a stage with its diagnostic, and not when diagnostics are off', async () => {
        await c.change(URI, 'FROM node:20 AS deps\nCOPY . .\nRUN npm ci\n');
        assert.deepEqual((await graph())!.graph.stages[0]!.problems.map((p) => p.code), ['heavy-after-broad-copy']);
        await c.setSettings({ features: { diagnostics: false } });
        assert.deepEqual((await graph())!.graph.stages[0]!.problems, []);
        await c.setSettings({});
        await c.change(URI, GO_PROJECT);
    });

    it('answers null for a document that is not open', async () => {
        assert.equal(await c.request('stagecraft/stageGraph', { textDocument: { uri: 'file:///ws/other/Dockerfile' } }), null);
    });
});
