/**
 * Stages across files in the real VS Code: a compose file written next to a Dockerfile is picked
 * up through the file watcher the server registered, renaming a stage edits the compose file,
 * and in the compose file itself (synced through the server's dynamic registration) a wrong
 * target is flagged and stage names are completed.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activate, codeOf, open, poll, positionOf, sample, stagecraftDiagnostics } from './helpers';

suite('stages across the workspace', () => {
    const folder = () => sample('stagecraft-workspace-scratch');
    const dockerfile = () => vscode.Uri.joinPath(folder(), 'Dockerfile');
    const compose = () => vscode.Uri.joinPath(folder(), 'compose.yaml');

    suiteSetup(async () => {
        await activate();
        await vscode.workspace.fs.writeFile(dockerfile(), Buffer.from('FROM stagecraft-test/busybox:1 AS base\nRUN echo hi > /hi\n\nFROM base AS app\nCMD ["cat", "/hi"]\n'));
        await vscode.workspace.fs.writeFile(compose(), Buffer.from('services:\n  web:\n    build:\n      context: .\n      target: app\n'));
    });

    suiteTeardown(async () => {
        await vscode.commands.executeCommand('workbench.action.files.revertResource', compose()).then(undefined, () => undefined);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await vscode.workspace.fs.delete(folder(), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    });

    test('renaming a stage in the Dockerfile renames the compose file\'s target', async () => {
        const doc = (await open(dockerfile())).document;
        const pos = positionOf(doc, 'FROM base AS app', 'app', 1);
        // The compose file was written after the server started: the watcher brings it in.
        await poll(async () => {
            const refs = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', dockerfile(), pos)) ?? [];
            return refs.some((l) => l.uri.toString() === compose().toString());
        }, 'a reference in compose.yaml');
        const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', dockerfile(), pos, 'runtime');
        assert.ok(edit, 'no rename edit');
        assert.deepStrictEqual(edit.entries().map(([u, es]) => [vscode.workspace.asRelativePath(u), es.map((e) => e.newText)]).sort(), [
            ['stagecraft-workspace-scratch/Dockerfile', ['runtime']],
            ['stagecraft-workspace-scratch/compose.yaml', ['runtime']],
        ]);
        assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit failed');
        const composeDoc = await vscode.workspace.openTextDocument(compose());
        assert.strictEqual(composeDoc.getText(), 'services:\n  web:\n    build:\n      context: .\n      target: runtime\n');
        assert.match(doc.getText(), /FROM base AS runtime\n/);
        await doc.save();
        await composeDoc.save();
    });

    test('in the compose file: a wrong target is flagged, stage names are completed', async () => {
        const editor = await open(compose());
        const line = editor.document.lineAt(4);
        await editor.edit((b) => b.replace(line.range, '      target: runtme'));
        const diag = await poll(() => stagecraftDiagnostics(compose()).find((d) => codeOf(d) === 'unknown-build-target'), 'the unknown-build-target diagnostic');
        assert.match(diag.message, /did you mean `runtime`\?/);
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', compose(), new vscode.Position(4, 16));
        const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        assert.ok(labels.includes('base') && labels.includes('runtime'), labels.join(', '));
    });
});
