/** The quick-fixes, applied as workspace edits the way the light bulb applies them. */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activate, codeOf, countFroms, lastLineWith, open, poll, remove, sample, scratch, stagecraftDiagnostics } from './helpers';

async function actionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
    return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
}

async function applyFix(uri: vscode.Uri, range: vscode.Range, title: RegExp): Promise<vscode.TextDocument> {
    const action = await poll(async () => (await actionsAt(uri, range)).find((a) => title.test(a.title)), `a code action matching ${title}`);
    assert.ok(action.edit, `"${action.title}" carries no edit`);
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'applyEdit failed');
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    return vscode.workspace.openTextDocument(uri);
}

suite('quick-fixes', () => {
    suiteSetup(async () => {
        await activate();
    });

    test('"Split heavy step into its own stage" adds a dependency stage and the warning goes away', async () => {
        const original = fs.readFileSync(sample('busybox-demo', 'Dockerfile').fsPath, 'utf8');
        const uri = await scratch('Dockerfile.split', original);
        try {
            let doc = (await open(uri)).document;
            const line = lastLineWith(doc, 'RUN npm ci');
            const diag = await poll(
                () => stagecraftDiagnostics(uri).find((d) => codeOf(d) === 'heavy-after-broad-copy' && d.range.start.line === line),
                'the heavy-after-broad-copy warning',
            );
            const actions = await actionsAt(uri, diag.range);
            const split = actions.find((a) => a.title === 'Split heavy step into its own stage');
            assert.ok(split, `no split action; got ${JSON.stringify(actions.map((a) => a.title))}`);
            assert.ok(split.kind && vscode.CodeActionKind.QuickFix.contains(split.kind), `kind ${split.kind?.value}`);
            doc = await applyFix(uri, diag.range, /^Split heavy step into its own stage$/);
            const after = doc.getText();
            assert.strictEqual(countFroms(after), countFroms(original) + 1, after);
            // the new stage copies only the manifests npm needs, then installs
            assert.match(after, /COPY\s+(\S+\s+)*package\.json(\s+\S+)*\s+\S+\s*\n/);
            assert.match(after, /package-lock\.json/);
            await poll(
                () => !stagecraftDiagnostics(uri).some((d) => codeOf(d) === 'heavy-after-broad-copy'),
                'the warning to go away after the split',
            );
        } finally {
            await remove(uri);
        }
    });

    test('"Name this stage" adds AS <name> and rewrites numeric --from references', async () => {
        const uri = await scratch('Dockerfile.name', [
            'FROM stagecraft-test/busybox:1',
            'RUN echo built > /out.txt',
            '',
            'FROM stagecraft-test/busybox:1 AS app',
            'COPY --from=0 /out.txt /out.txt',
            '',
        ].join('\n'));
        try {
            await open(uri);
            const range = new vscode.Range(0, 0, 0, 4);
            const doc = await applyFix(uri, range, /^Name this stage/);
            const text = doc.getText();
            const m = /^FROM stagecraft-test\/busybox:1 AS (\S+)$/m.exec(text.split('\n')[0]!);
            assert.ok(m, `first FROM not named: ${text}`);
            assert.match(text, new RegExp(`COPY --from=${m[1]} /out.txt`), text);
        } finally {
            await remove(uri);
        }
    });

    test('"Extract a shared base image into an alias stage" names the image once', async () => {
        const uri = await scratch('Dockerfile.alias', [
            'FROM stagecraft-test/busybox:1 AS build',
            'RUN echo built > /out.txt',
            '',
            'FROM stagecraft-test/busybox:1 AS app',
            'COPY --from=build /out.txt /out.txt',
            '',
        ].join('\n'));
        try {
            await open(uri);
            const doc = await applyFix(uri, new vscode.Range(0, 5, 0, 10), /^Extract .*alias stage/);
            const text = doc.getText();
            assert.strictEqual((text.match(/^FROM\s+stagecraft-test\/busybox:1\b/gm) ?? []).length, 1, text);
            assert.match(text, /^FROM\s+stagecraft-test\/busybox:1\s+AS\s+\S+\s*$/m, 'the alias stage');
            assert.strictEqual(countFroms(text), 3, text);
        } finally {
            await remove(uri);
        }
    });
});
