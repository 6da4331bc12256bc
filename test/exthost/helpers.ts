/** Shared helpers of the extension-host suites. Poll, never sleep a fixed time. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'stagecraft.stagecraft';

/** What `activate()` returns (client/src/extension.ts, StagecraftApi). */
export interface Api {
    client: { isRunning(): boolean; sendRequest<R>(method: string, params: unknown): Promise<R> };
    ready: Promise<void>;
    otherDockerExtension(): boolean;
}

export async function poll<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 20000): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v) return v;
            last = v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

export function workspaceRoot(): vscode.Uri {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests need the examples folder open as the workspace');
    return folder.uri;
}

/** A file of the examples workspace. */
export function sample(...parts: string[]): vscode.Uri {
    return vscode.Uri.joinPath(workspaceRoot(), ...parts);
}

export async function activate(): Promise<Api> {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    const api = await ext.activate();
    await api.ready;
    return api;
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: false });
}

/** A scratch Dockerfile next to the samples (so edits never touch a sample); deleted by the caller. */
export async function scratch(name: string, text: string): Promise<vscode.Uri> {
    const uri = sample('busybox-demo', name);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    return uri;
}

export async function remove(uri: vscode.Uri): Promise<void> {
    for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.toString() === uri.toString() && doc.isDirty) await doc.save();
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
}

/** 0-based position of `word` (its first character, plus `offset`) in the first line containing `lineText`. */
export function positionOf(doc: vscode.TextDocument, lineText: string, word: string, offset = 0): vscode.Position {
    for (let i = 0; i < doc.lineCount; i++) {
        const text = doc.lineAt(i).text;
        if (text.includes(lineText)) {
            const at = text.indexOf(word, text.indexOf(lineText));
            assert.ok(at >= 0, `"${word}" not in line ${i + 1}: ${text}`);
            return new vscode.Position(i, at + offset);
        }
    }
    throw new Error(`no line contains "${lineText}"`);
}

export function lastLineWith(doc: vscode.TextDocument, text: string): number {
    for (let i = doc.lineCount - 1; i >= 0; i--) if (doc.lineAt(i).text.includes(text)) return i;
    throw new Error(`no line contains "${text}"`);
}

export function codeOf(d: vscode.Diagnostic): string {
    const c = d.code;
    if (c === undefined) return '';
    return typeof c === 'object' ? String(c.value) : String(c);
}

export function stagecraftDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
    return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'stagecraft');
}

/** Lenses resolve in a second request (the server sends them without commands), up to this many. */
const LENS_RESOLVE_COUNT = 10_000;

/**
 * The code lenses of a document, resolved (`itemResolveCount`: without it VS Code's command returns
 * the lenses as the server listed them, without commands). VS Code returns them in the order their
 * resolves finished; sorted here by line, then command id (the build lens before the summary, the
 * server's order).
 */
export async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, LENS_RESOLVE_COUNT)) ?? [];
    return lenses.sort((a, b) => a.range.start.line - b.range.start.line || (a.command?.command ?? '').localeCompare(b.command?.command ?? ''));
}

/** Titles of the lenses on a 0-based line. */
export async function lensTitles(uri: vscode.Uri, line: number): Promise<string[]> {
    return (await codeLenses(uri)).filter((l) => l.range.start.line === line && l.command).map((l) => l.command!.title);
}

/** The inlay hints of a document in a range (default: all of it), as VS Code asks for the visible lines. */
export async function inlayHints(uri: vscode.Uri, range?: vscode.Range): Promise<vscode.InlayHint[]> {
    const r = range ?? new vscode.Range(0, 0, (await vscode.workspace.openTextDocument(uri)).lineCount, 0);
    const hints = (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, r)) ?? [];
    return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

/** The text of an inlay hint (its label, or its label parts joined). */
export function hintText(hint: vscode.InlayHint): string {
    return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
}

/** Texts of the inlay hints on a 0-based line. */
export async function hintTexts(uri: vscode.Uri, line: number): Promise<string[]> {
    return (await inlayHints(uri)).filter((h) => h.position.line === line).map(hintText);
}

export function hoverText(hovers: vscode.Hover[] | undefined): string {
    return (hovers ?? [])
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c))))
        .join('\n');
}

export function countFroms(text: string): number {
    return (text.match(/^\s*FROM\s/gim) ?? []).length;
}

/** Sets a `stagecraft.*` setting in the workspace (undefined removes it). */
export async function setSetting(key: string, value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration('stagecraft').update(key, value, vscode.ConfigurationTarget.Workspace);
}
