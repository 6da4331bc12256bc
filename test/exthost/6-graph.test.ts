/**
 * The stage graph view, in the real extension host: the server's graph, the view drawing it (what
 * the webview reports it drew), following edits, the build target set from a node, build results
 * read from a report file, and a build started from a node.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activate, open, poll, sample, setSetting } from './helpers';

interface GraphRender { uri: string; version: number; ms: number; stages: { index: number; text: string }[] }
interface GraphApi {
    client: { sendRequest<R>(method: string, params: unknown): Promise<R> };
    graphView: { lastRender: GraphRender | undefined; refresh(delay?: number): void; documentUri: vscode.Uri | undefined };
    reports: { fileFor(uri: vscode.Uri): vscode.Uri };
}
interface StageNode { index: number; label: string; role: string; patterns: string[]; problems: { code: string }[]; line: number }
interface Graph { target: number | null; stages: StageNode[]; images: { image: string }[]; edges: { from: string; to: string; kind: string }[] }

async function api(): Promise<GraphApi> {
    return (await activate()) as unknown as GraphApi;
}

/** The view's next drawing of `uri` that satisfies `ok`. */
async function rendered(a: GraphApi, uri: vscode.Uri, ok: (r: GraphRender) => boolean, what: string): Promise<GraphRender> {
    return poll(() => {
        const r = a.graphView.lastRender;
        return r && r.uri === uri.toString() && ok(r) ? r : null;
    }, what, 30000);
}

const textOf = (r: GraphRender, index: number) => r.stages.find((s) => s.index === index)?.text ?? '';

suite('stage graph view', () => {
    const uri = () => sample('busybox-demo', 'Dockerfile');

    suiteTeardown(async () => {
        await setSetting('target', undefined);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('stagecraft/stageGraph answers the server\'s graph of the open document', async () => {
        const a = await api();
        await open(uri());
        const result = await poll(() => a.client.sendRequest<{ version: number; graph: Graph } | null>('stagecraft/stageGraph', { textDocument: { uri: uri().toString() } }), 'the graph');
        const g = result.graph;
        assert.deepStrictEqual(g.stages.map((s) => s.label), ['base', 'toolchain', 'deps', 'build', 'test', 'docs', 'app']);
        assert.strictEqual(g.target, 6);
        assert.deepStrictEqual(g.stages.filter((s) => s.role === 'unneeded').map((s) => s.label), ['test', 'docs']);
        assert.deepStrictEqual(g.stages[5]!.problems.map((p) => p.code), ['heavy-after-broad-copy']);
        assert.deepStrictEqual(g.images.map((i) => i.image), ['stagecraft-test/busybox:1']);
        assert.deepStrictEqual(g.edges.filter((e) => e.kind === 'copy').map((e) => [e.from, e.to]), [['s3', 's6']]);
    });

    test('Show Stage Graph draws a node per stage beside the editor, and follows edits', async function () {
        this.timeout(90000);
        const a = await api();
        const editor = await open(uri());
        await vscode.commands.executeCommand('stagecraft.showStageGraph');
        const first = await rendered(a, uri(), (r) => r.stages.length === 7, 'the view to draw 7 stages');
        // (an earlier suite's build may have left its results after it)
        assert.match(textOf(first, 2), /^deps #2 · line 18 split-step( (cached|built|partial) · .*)?$/);
        assert.match(textOf(first, 6), /^app #6 · line 40 · target( not needed)?$/);
        assert.match(textOf(first, 5), /docs/);
        assert.ok(first.ms > 0 && first.ms < 5000, `drawn in ${first.ms} ms`);
        // rename a stage in the text: the node follows, without saving
        const line = editor.document.getText().split('\n').findIndex((l) => l === 'FROM build AS test');
        await editor.edit((e) => e.replace(new vscode.Range(line, 'FROM build AS '.length, line, 'FROM build AS test'.length), 'check'));
        const after = await rendered(a, uri(), (r) => r.version > first.version && /^check\b/.test(textOf(r, 4)), 'the renamed node');
        assert.strictEqual(after.stages.length, 7);
        await vscode.commands.executeCommand('undo');
        await rendered(a, uri(), (r) => /^test\b/.test(textOf(r, 4)), 'the node named test again');
        const doc = editor.document;
        if (doc.isDirty) await doc.save();
    });

    test('the build target set from a node is the folder\'s stagecraft.target, and the view marks it', async () => {
        const a = await api();
        await open(uri());
        await vscode.commands.executeCommand('stagecraft.showStageGraph');
        // what the node's context menu item runs (the toolbar button sends the same message)
        await vscode.commands.executeCommand('stagecraft.graph.setTarget', { webview: 'stagecraft.stageGraph', webviewSection: 'stage', stageIndex: 4 });
        const folder = vscode.workspace.getWorkspaceFolder(uri())!;
        assert.strictEqual(vscode.workspace.getConfiguration('stagecraft', folder.uri).inspect<string>('target')?.workspaceFolderValue, 'test');
        const r = await rendered(a, uri(), (x) => /target/.test(textOf(x, 4)), 'test marked as the target');
        assert.doesNotMatch(textOf(r, 6), /target/);
        await setSetting('target', undefined);
        await vscode.workspace.getConfiguration('stagecraft', folder.uri).update('target', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
        await rendered(a, uri(), (x) => /target/.test(textOf(x, 6)), 'app the target again');
    });

    test('a build report of the file puts each stage\'s result on its node', async () => {
        const a = await api();
        await open(uri());
        await vscode.commands.executeCommand('stagecraft.showStageGraph');
        const stages = ['base', 'toolchain', 'deps', 'build', 'test', 'docs', 'app'].map((name, index) => ({
            index, name, line: 1, steps: 2, cachedSteps: 2, pushed: null, image: null,
            result: name === 'docs' ? 'not needed' : name === 'test' ? 'built' : 'cached',
            seconds: name === 'docs' ? null : 1.25, sizeBytes: name === 'docs' ? null : 4.5 * 1024 * 1024,
        }));
        const report = {
            schema: 'stagecraft.build-report/v1', dockerfile: uri().fsPath, context: '.', target: { index: 6, name: 'app' },
            backend: 'buildkit', engine: null, cacheRepo: null, startedAt: new Date().toISOString(), seconds: 3, exitCode: 0,
            outcome: 'done', message: 'done', stages,
        };
        const file = a.reports.fileFor(uri());
        // the lens build of an earlier suite left its real report: start without one
        await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
        a.graphView.refresh(0);
        await rendered(a, uri(), (x) => !/cached|built/.test(textOf(x, 2)), 'no results without a report');
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
        await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(report)));
        try {
            a.graphView.refresh(0);
            const r = await rendered(a, uri(), (x) => /cached · 1\.3 s/.test(textOf(x, 2)), 'results on the nodes');
            assert.match(textOf(r, 2), /cached · 1\.3 s · 4\.5 MB$/);
            assert.match(textOf(r, 4), /built · 1\.3 s · 4\.5 MB$/);
            assert.match(textOf(r, 5), /not needed$/);
        } finally {
            await vscode.workspace.fs.delete(file);
            a.graphView.refresh(0);
        }
        await rendered(a, uri(), (x) => !/cached/.test(textOf(x, 2)), 'the results gone with the report');
    });

    test('"Build with cache" on a node runs the stage\'s build task', async function () {
        this.timeout(Number(process.env.STAGECRAFT_EXTHOST_BUILD_TIMEOUT_MS ?? 240000));
        const a = await api();
        await open(uri());
        await vscode.commands.executeCommand('stagecraft.showStageGraph');
        await rendered(a, uri(), (r) => r.stages.length === 7, 'the graph');
        const ended = new Promise<{ code: number | undefined; args: string[] }>((resolve) => {
            const sub = vscode.tasks.onDidEndTaskProcess((e) => {
                if (e.execution.task.definition.type !== 'stagecraft') return;
                sub.dispose();
                const exec = e.execution.task.execution as vscode.ProcessExecution;
                resolve({ code: e.exitCode, args: exec.args });
            });
        });
        await vscode.commands.executeCommand('stagecraft.graph.buildStage', { webview: 'stagecraft.stageGraph', webviewSection: 'stage', stageIndex: 2 });
        const { code, args } = await ended;
        assert.strictEqual(code, 0, `stagecraft build exited with ${code}`);
        assert.deepStrictEqual(args.slice(1, 6), ['build', '-f', uri().fsPath, '--target', 'deps']);
        const reportAt = args.indexOf('--report');
        assert.ok(reportAt > 0, `the build writes a report: ${args.join(' ')}`);
        assert.strictEqual(args[reportAt + 1], a.reports.fileFor(uri()).fsPath);
        const r = await rendered(a, uri(), (x) => /\b(cached|built|partial)\b/.test(textOf(x, 2)), 'the build result on the deps node');
        assert.match(textOf(r, 5), /not needed/);
    });
});
