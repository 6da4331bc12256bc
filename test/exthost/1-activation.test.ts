/** The packaged extension activates on a Dockerfile and its language client starts. */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, EXTENSION_ID, open, poll, sample } from './helpers';

suite('activation', () => {
    test('the extension under test is the packaged bundle (dist/, no sources, no node_modules)', () => {
        const ext = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(ext, `${EXTENSION_ID} is not installed`);
        const pkg = ext.packageJSON as { main?: string; engines?: { vscode?: string } };
        console.log(`      extension ${ext.id} at ${ext.extensionPath}; vscode ${vscode.version}, remoteName=${vscode.env.remoteName ?? '-'}`);
        assert.strictEqual(pkg.main, './dist/extension.js');
        for (const f of ['dist/extension.js', 'dist/server.js', 'dist/cli.js']) {
            assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `${f} missing from the extension`);
        }
        if (process.env.STAGECRAFT_EXTHOST_SOURCE_TREE !== '1') {
            for (const d of ['node_modules', 'client', 'server', 'out']) {
                assert.ok(!fs.existsSync(path.join(ext.extensionPath, d)), `${d}/ must not be in the packaged extension`);
            }
        }
    });

    test('opening a Dockerfile activates the extension', async () => {
        await open(sample('busybox-demo', 'Dockerfile'));
        const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
        await poll(() => ext.isActive, 'the extension to be active');
    });

    test('the language client starts and the server answers', async () => {
        const api = await activate();
        assert.ok(api.client.isRunning(), 'language client is not running');
        const uri = sample('busybox-demo', 'Dockerfile');
        const symbols = await poll(
            async () => {
                const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
                return s && s.length > 0 ? s : null;
            },
            'document symbols from the server',
        );
        assert.deepStrictEqual(
            // stages only (global ARGs such as BASE_IMAGE may be listed too)
            symbols.map((s) => s.name).filter((n) => n !== 'BASE_IMAGE' && !/^ARG\b/.test(n)),
            ['base', 'toolchain', 'deps', 'build', 'test', 'docs', 'app'],
        );
    });

    test('the Dockerfile language is set for Dockerfile names', async () => {
        const doc = await vscode.workspace.openTextDocument(sample('busybox-demo', 'Dockerfile'));
        assert.strictEqual(doc.languageId, 'dockerfile');
    });
});
