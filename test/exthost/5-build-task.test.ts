/** The "Build with cache" lens command runs `stagecraft build` for its stage as a VS Code task. */
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activate, codeLenses, EXTENSION_ID, open, poll, positionOf, sample } from './helpers';

suite('build task', () => {
    test('the lens command starts a stagecraft build task for that stage, which builds with a real engine', async function () {
        this.timeout(Number(process.env.STAGECRAFT_EXTHOST_BUILD_TIMEOUT_MS ?? 240000));
        await activate();
        const uri = sample('busybox-demo', 'Dockerfile');
        const doc = (await open(uri)).document;
        const line = positionOf(doc, 'FROM build AS test', 'FROM').line;
        const lens = await poll(
            async () => (await codeLenses(uri)).find((l) => l.range.start.line === line && /Build with cache/.test(l.command?.title ?? '')),
            'the Build with cache lens on the test stage',
        );
        const started = new Promise<vscode.TaskExecution>((resolve) => {
            const sub = vscode.tasks.onDidStartTask((e) => {
                if (e.execution.task.definition.type === 'stagecraft') { sub.dispose(); resolve(e.execution); }
            });
        });
        const ended = new Promise<number | undefined>((resolve) => {
            const sub = vscode.tasks.onDidEndTaskProcess((e) => {
                if (e.execution.task.definition.type === 'stagecraft') { sub.dispose(); resolve(e.exitCode); }
            });
        });
        // exactly what clicking the lens does
        await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
        const execution = await Promise.race([started, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no task started')), 20000))]);
        const task = execution.task;
        assert.strictEqual(task.definition.target, 'test');
        assert.strictEqual(task.definition.file, uri.fsPath);
        const exec = task.execution;
        assert.ok(exec instanceof vscode.ProcessExecution, 'a process execution (argument array, no shell string)');
        const extPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
        assert.strictEqual(exec.args[0], path.join(extPath, 'dist', 'cli.js'), 'runs the bundled CLI');
        assert.deepStrictEqual(exec.args.slice(1, 6), ['build', '-f', uri.fsPath, '--target', 'test']);
        const code = await ended;
        assert.strictEqual(code, 0, `stagecraft build exited with ${code}`);
    });
});
