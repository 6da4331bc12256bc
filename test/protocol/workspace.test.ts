/**
 * Stages across the workspace, through the real server: a copy of test/fixtures/workspace (a
 * Dockerfile, compose.yaml, docker-bake.hcl, docker-bake.json, .github/workflows/ci.yml) is the
 * workspace folder; the server scans it, and the tests ask what an editor asks.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionItem, Diagnostic, Hover, InlayHint, Location, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { DEFAULT_CAPABILITIES, LspClient, fileUri } from './lspClient';

const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');
/** Asks again until `test` holds (bounded): for what the server does after a notification without telling. */
async function poll(test: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await test())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

const CAPABILITIES = {
    ...DEFAULT_CAPABILITIES,
    workspace: { ...DEFAULT_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true }, inlayHint: { refreshSupport: true } },
    textDocument: {
        ...DEFAULT_CAPABILITIES.textDocument,
        synchronization: { dynamicRegistration: true },
        completion: { ...DEFAULT_CAPABILITIES.textDocument!.completion, dynamicRegistration: true },
        hover: { ...DEFAULT_CAPABILITIES.textDocument!.hover, dynamicRegistration: true },
        definition: { dynamicRegistration: true },
        references: { dynamicRegistration: true },
        rename: { prepareSupport: true, dynamicRegistration: true },
        codeAction: { ...DEFAULT_CAPABILITIES.textDocument!.codeAction, dynamicRegistration: true },
    },
};

describe('stages across the workspace', () => {
    let dir: string;
    let c: LspClient;
    let uri: (file: string) => string;
    const text = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
    const at = (file: string, line: number, character: number) => ({ textDocument: { uri: uri(file) }, position: { line, character } });
    const stagecraft = (file: string) => c.diagnosticsLog.filter((p) => p.uri === uri(file)).at(-1)?.diagnostics ?? [];
    /** Waits for a publication of `file`'s diagnostics that passes `test`, whichever came first. */
    const diagnosticsOf = async (file: string, test: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> => {
        await c.waitFor(() => test(stagecraft(file)), `diagnostics of ${file}`);
        return stagecraft(file);
    };
    const open = async (file: string, language: string) => c.open(uri(file), text(file), language);

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecraft-ws-'));
        fs.cpSync(FIXTURE, dir, { recursive: true });
        uri = (file: string) => fileUri(path.join(dir, file));
        c = await LspClient.start({ workspaceFolders: [dir], capabilities: CAPABILITIES, initializationOptions: { otherDockerExtension: true } });
        c.connection.onRequest('workspace/inlayHint/refresh', () => null);
    });
    after(async () => {
        await c.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it('registers the build files with the client: document sync, requests, file watchers', async () => {
        await c.waitFor(() => c.registrations.some((x) => x.method === 'workspace/didChangeWatchedFiles'), 'the watcher registration');
        const methods = c.registrations.map((x) => x.method).sort();
        assert.deepEqual(methods, ['textDocument/codeAction', 'textDocument/completion', 'textDocument/definition', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/didOpen', 'textDocument/hover', 'textDocument/references', 'textDocument/rename', 'workspace/didChangeWatchedFiles']);
        const watchers = (c.registrations.find((x) => x.method === 'workspace/didChangeWatchedFiles')!.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
        assert.ok(watchers.includes('**/{compose,docker-compose}*.{yml,yaml}') && watchers.includes('**/docker-bake*.{hcl,json}') && watchers.includes('**/.github/workflows/*.{yml,yaml}'), watchers.join(' '));
        const selector = (c.registrations.find((x) => x.method === 'textDocument/didOpen')!.registerOptions as { documentSelector: { pattern: string }[] }).documentSelector;
        assert.ok(selector.every((s) => !/Dockerfile/.test(s.pattern)), 'the Dockerfiles stay with the static selector');
    });

    it('diagnostics of a build file nobody opened: a target that names no stage (nearest name), a Dockerfile that does not exist, an inline Dockerfile', async () => {
        const ds = await diagnosticsOf('compose.yaml', (d) => d.length >= 3);
        assert.deepEqual(ds.map((d) => [d.code, d.severity, d.range]), [
            ['unknown-build-target', 1, r(18, 14, 18, 18)],
            ['missing-dockerfile', 1, r(22, 18, 22, 36)],
            ['inline-dockerfile', 4, r(26, 6, 26, 23)],
        ]);
        assert.equal(ds[0]!.message, '`tset` names no stage of `Dockerfile` (its stages: `base`, `deps`, `build`, `test`, `debug`, `app`); did you mean `test`? compose service typo fails to build.');
        assert.equal(ds[1]!.message, '`web/Dockerfile.missing` does not exist: compose service lost cannot build.');
        assert.deepEqual(ds[0]!.data, { code: 'unknown-build-target', suggestion: 'test' });
        for (const f of ['docker-bake.hcl', 'docker-bake.json', '.github/workflows/ci.yml']) assert.deepEqual(stagecraft(f), [], f);
    });

    it('the quick-fix changes the target to the nearest stage name', async () => {
        const [typo] = await diagnosticsOf('compose.yaml', (d) => d.length >= 3);
        const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri('compose.yaml') }, range: typo!.range, context: { diagnostics: [typo] } });
        // A versioned edit; version null: the file is not open in the editor.
        assert.deepEqual(actions.map((a) => [a.title, a.edit]), [['Change to `test`', { documentChanges: [{ textDocument: { uri: uri('compose.yaml'), version: null }, edits: [{ range: r(18, 14, 18, 18), newText: 'test' }] }] }]]);
        // A diagnostic that no longer matches a target of the file gets no edit.
        const stale = { ...typo!, range: r(17, 14, 17, 18) };
        assert.deepEqual(await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri('compose.yaml') }, range: stale.range, context: { diagnostics: [stale] } }), []);
    });

    it('references of a stage: its Dockerfile, then every compose, Bake and workflow file that names it', async () => {
        await open('Dockerfile', 'dockerfile');
        const refs = await c.request<Location[]>('textDocument/references', { ...at('Dockerfile', 12, 15), context: { includeDeclaration: true } });
        assert.deepEqual(refs.map((l) => [path.relative(dir, new URL(l.uri).pathname), l.range]), [
            ['Dockerfile', r(12, 14, 12, 18)],
            ['compose.yaml', r(12, 15, 12, 19)],
            ['docker-bake.hcl', r(17, 14, 17, 18)],
            ['.github/workflows/ci.yml', r(15, 21, 15, 25)],
        ]);
        const app = await c.request<Location[]>('textDocument/references', { ...at('Dockerfile', 18, 43), context: { includeDeclaration: false } });
        assert.deepEqual(app.map((l) => [path.relative(dir, new URL(l.uri).pathname), l.range.start.line]), [
            ['compose.yaml', 8], ['docker-bake.hcl', 11], ['.github/workflows/ci.yml', 10],
        ]);
    });

    it('rename from the Dockerfile: one workspace edit with the exact edit in every file', async () => {
        const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at('Dockerfile', 12, 15), newName: 'unit-test' });
        const e = (range: ReturnType<typeof r>) => [{ range, newText: 'unit-test' }];
        assert.deepEqual(edit, { changes: {
            [uri('Dockerfile')]: e(r(12, 14, 12, 18)),
            [uri('compose.yaml')]: e(r(12, 15, 12, 19)),
            [uri('docker-bake.hcl')]: e(r(17, 14, 17, 18)),
            [uri('.github/workflows/ci.yml')]: e(r(15, 21, 15, 25)),
        } });
        // The Bake parent's target is inherited by several targets: edited once.
        const release = await c.request<WorkspaceEdit>('textDocument/rename', { ...at('Dockerfile', 18, 43), newName: 'runtime' });
        assert.deepEqual(Object.fromEntries(Object.entries(release.changes!).map(([u, es]) => [path.relative(dir, new URL(u).pathname), es.map((x) => x.range.start.line)])), {
            Dockerfile: [18], 'compose.yaml': [8], 'docker-bake.hcl': [11], '.github/workflows/ci.yml': [10],
        });
    });

    it('in a build file: hover, definition, references and rename of its target; a bad new name is refused', async () => {
        await open('compose.yaml', 'yaml');
        await open('docker-bake.json', 'json');
        const hover = await c.request<Hover>('textDocument/hover', at('compose.yaml', 12, 16));
        assert.deepEqual(hover.range, r(12, 15, 12, 19));
        const card = (hover.contents as { value: string }).value;
        assert.match(card, /^### Stage `test` \(index 3\)/);
        assert.match(card, /tested-app/);
        assert.match(card, /\*\*Built by:\*\* compose service tests/);
        assert.equal(await c.request('textDocument/hover', at('compose.yaml', 5, 4)), null, 'nothing outside a target');
        const def = await c.request<Location>('textDocument/definition', at('compose.yaml', 12, 16));
        assert.deepEqual(def, { uri: uri('Dockerfile'), range: r(12, 14, 12, 18) });
        assert.deepEqual(await c.request('textDocument/definition', at('docker-bake.json', 4, 19)), { uri: uri('Dockerfile'), range: r(8, 13, 8, 18) });
        assert.equal(await c.request('textDocument/definition', at('compose.yaml', 18, 15)), null, 'tset names no stage');
        const refs = await c.request<Location[]>('textDocument/references', { ...at('compose.yaml', 12, 16), context: { includeDeclaration: true } });
        assert.equal(refs.length, 4);
        assert.deepEqual(await c.request('textDocument/prepareRename', at('compose.yaml', 12, 16)), { range: r(12, 15, 12, 19), placeholder: 'test' });
        const edit = await c.request<WorkspaceEdit>('textDocument/rename', { ...at('compose.yaml', 12, 16), newName: 'unit-test' });
        assert.deepEqual(Object.keys(edit.changes!).map((u) => path.relative(dir, new URL(u).pathname)).sort(), ['.github/workflows/ci.yml', 'Dockerfile', 'compose.yaml', 'docker-bake.hcl']);
        await assert.rejects(c.request('textDocument/rename', { ...at('compose.yaml', 12, 16), newName: 'build' }), /already named build/);
    });

    it('completion of stage names where a target is typed (compose, Bake HCL), in the editor\'s unsaved text', async () => {
        const composeText = text('compose.yaml').replace('      target: "test"', '      target: ');
        await c.change(uri('compose.yaml'), composeText);
        const items = await c.request<CompletionItem[]>('textDocument/completion', at('compose.yaml', 12, 14));
        assert.deepEqual(items.map((i) => i.label), ['base', 'deps', 'build', 'test', 'debug', 'app']);
        assert.deepEqual(items[3]!.textEdit, { range: r(12, 14, 12, 14), newText: 'test' });
        assert.deepEqual(await c.request('textDocument/completion', at('compose.yaml', 5, 4)), [], 'nothing outside a target');
        await c.change(uri('compose.yaml'), text('compose.yaml'));

        const hcl = text('docker-bake.hcl').replace('target   = "test"', 'target   = "te"');
        await c.open(uri('docker-bake.hcl'), hcl, 'hcl');
        const hclItems = await c.request<CompletionItem[]>('textDocument/completion', at('docker-bake.hcl', 17, 16));
        assert.deepEqual(hclItems.find((i) => i.label === 'test')!.textEdit, { range: r(17, 14, 17, 16), newText: 'test' });
        // Closed unsaved: the file on disk counts again.
        await c.close(uri('docker-bake.hcl'));
        await poll(async () => (await c.request<Location[]>('textDocument/references', { ...at('Dockerfile', 12, 15), context: { includeDeclaration: true } })).length === 4, 'the Bake file read again from disk');
    });

    it('the stage card and summary name who builds a stage; a stage nothing builds is reported', async () => {
        type Hint = InlayHint & { label: { value: string; tooltip: string }[] };
        const hints = await c.inlayHints<Hint>(uri('Dockerfile'));
        const summary = (line: number) => hints.find((h) => h.position.line === line)!.label[0]!;
        assert.equal(summary(12).value, 'tested-app · built by compose service tests, bake target ci-test +1');
        assert.equal(summary(12).tooltip, 'Stage test (#3): tested-app · built by compose service tests, bake target ci-test, workflow ci.yml job image');
        assert.equal(summary(15).value, 'unused by app');
        assert.equal(summary(18).value, 'build target · built by compose service api, compose service worker +3');
        const card = (await c.request<Hover>('textDocument/hover', at('Dockerfile', 12, 15))).contents as { value: string };
        assert.match(card.value, /\*\*Built by:\*\* compose service tests \(\[compose\.yaml:13\]\(file:\/\/.*compose\.yaml#L13\)\), bake target ci-test \(\[docker-bake\.hcl:18\]/);
        const debug = (await c.request<Hover>('textDocument/hover', at('Dockerfile', 15, 15))).contents as { value: string };
        assert.match(debug.value, /\*\*Built by:\*\* nothing in the workspace/);
        const ds = await diagnosticsOf('Dockerfile', (d) => d.some((x) => x.code === 'unused-stage'));
        assert.deepEqual(ds.filter((d) => d.code === 'unused-stage').map((d) => [d.range.start.line, d.message]), [
            [15, 'Stage `debug` is not needed by the target `app`, and no compose service, Bake target, workflow or Makefile in the workspace builds it: BuildKit skips it, the classic builder still builds it.'],
        ]);
    });

    it('watched files: a new compose file that builds a stage, then its deletion, update the Dockerfile', async () => {
        const override = 'services:\n  dlv:\n    build:\n      context: .\n      target: debug\n';
        fs.writeFileSync(path.join(dir, 'compose.override.yaml'), override);
        await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('compose.override.yaml'), type: 1 }] });
        await diagnosticsOf('Dockerfile', (d) => !d.some((x) => x.code === 'unused-stage'));
        const hints = await c.inlayHints<InlayHint & { label: { value: string }[] }>(uri('Dockerfile'));
        assert.equal(hints.find((h) => h.position.line === 15)!.label[0]!.value, 'built by compose service dlv');
        fs.rmSync(path.join(dir, 'compose.override.yaml'));
        await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('compose.override.yaml'), type: 3 }] });
        await diagnosticsOf('Dockerfile', (d) => d.some((x) => x.code === 'unused-stage'));
    });

    it('editing the Dockerfile re-checks the build files that name it; a broken build file never breaks the server', async () => {
        const renamed = text('Dockerfile').replace('FROM build AS test', 'FROM build AS unit');
        await c.change(uri('Dockerfile'), renamed);
        const ds = await diagnosticsOf('compose.yaml', (d) => d.filter((x) => x.code === 'unknown-build-target').length === 2);
        assert.deepEqual(ds.filter((x) => x.code === 'unknown-build-target').map((d) => d.range.start.line), [12, 18]);
        await c.change(uri('Dockerfile'), text('Dockerfile'));
        await diagnosticsOf('compose.yaml', (d) => d.filter((x) => x.code === 'unknown-build-target').length === 1);

        await c.change(uri('compose.yaml'), 'services:\n  api:\n    build: [\n  "x": {{{\n');
        const broken = await diagnosticsOf('compose.yaml', (d) => d.some((x) => x.code === 'unreadable-build-file'));
        assert.ok(broken.every((d) => d.code === 'unreadable-build-file'));
        assert.deepEqual(await c.request('textDocument/completion', at('compose.yaml', 2, 12)), []);
        assert.ok(c.alive);
        assert.deepEqual(c.logMessages.filter((m) => m.type === 1), []);
    });
});
