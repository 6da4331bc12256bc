/**
 * Applies a WorkspaceEdit from the server to a document's text, the way an editor would, so
 * code-action tests can compare the resulting text exactly. Checks that edits do not overlap.
 */
import assert from 'node:assert/strict';
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';

/** Applies one document's edits (from `changes` or `documentChanges`) to its text. */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
    assert.ok(edit, 'the action carries a WorkspaceEdit');
    let edits: TextEdit[] = edit.changes?.[uri] ?? [];
    for (const change of edit.documentChanges ?? []) {
        if ('textDocument' in change && change.textDocument.uri === uri) edits = edits.concat(change.edits as TextEdit[]);
    }
    assert.ok(edits.length > 0, `edits for ${uri}`);
    const lines = text.split('\n');
    const offset = (p: Range['start']) => {
        let o = 0;
        for (let l = 0; l < p.line; l++) o += lines[l]!.length + 1;
        return Math.min(o + p.character, text.length);
    };
    const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start) || offset(b.range.end) - offset(a.range.end));
    for (let i = 1; i < sorted.length; i++) {
        assert.ok(offset(sorted[i]!.range.end) <= offset(sorted[i - 1]!.range.start), 'edits do not overlap');
    }
    let out = text;
    for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
    return out;
}

