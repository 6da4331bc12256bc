/**
 * Completion of stage names after `--from=` (COPY/ADD), `from=` (inside `RUN --mount=`) and
 * `FROM ` (the image position: only stages defined above, as BuildKit resolves FROM to earlier
 * stages only). Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionParams } from 'vscode-languageserver-protocol';
import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { stageDetail } from './symbols';
import { stageOfLine } from './stageAt';

export type StageCompletionContext = { kind: 'from' | 'copy-from' | 'mount-from'; prefix: string };

/** What is being typed at the cursor, judged from the line's text before it. */
export function completionContext(linePrefix: string): StageCompletionContext | null {
    let m = /^\s*FROM\s+(?:--[A-Za-z-]+=\S*\s+)*([A-Za-z0-9_.-]*)$/i.exec(linePrefix);
    if (m) return { kind: 'from', prefix: m[1] ?? '' };
    m = /--mount=\S*?(?:^|[=,])from=([A-Za-z0-9_.-]*)$/i.exec(linePrefix);
    if (m) return { kind: 'mount-from', prefix: m[1] ?? '' };
    m = /(?:^|\s)--from=([A-Za-z0-9_.-]*)$/i.exec(linePrefix);
    if (m) return { kind: 'copy-from', prefix: m[1] ?? '' };
    return null;
}

export const STAGECRAFT_COMPLETION_DATA = 'stagecraft-stage';

export function provideCompletion(
    document: TextDocument,
    analysis: Analysis,
    params: CompletionParams,
): CompletionItem[] {
    const pos = params.position;
    const lineText = document.getText({ start: { line: pos.line, character: 0 }, end: pos });
    const ctx = completionContext(lineText);
    if (!ctx) return [];
    const current = stageOfLine(analysis, pos.line);
    // A FROM being typed is the start of a stage: only stages above this line can be its parent.
    const candidates: Stage[] = analysis.stages.filter((s) => {
        if (s.name === null) return false;
        if (ctx.kind === 'from') return s.fromRange.start.line < pos.line;
        return !current || s.index !== current.index; // a stage cannot copy from itself
    });
    const seen = new Set<string>();
    const start = { line: pos.line, character: pos.character - ctx.prefix.length };
    const items: CompletionItem[] = [];
    for (const s of candidates) {
        const name = s.name as string;
        const key = name.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        items.push({
            label: name,
            kind: CompletionItemKind.Reference,
            detail: `stage ${s.index} · ${stageDetail(s)}`,
            documentation: {
                kind: MarkupKind.Markdown,
                value: s.patterns.length ? s.patterns.map((p) => `- \`${p.label}\`: ${p.reason}`).join('\n') : `Stage ${s.index}, line ${s.line}`,
            },
            sortText: `0-${String(s.index).padStart(5, '0')}`,
            textEdit: { range: { start, end: pos }, newText: name },
            data: STAGECRAFT_COMPLETION_DATA,
        });
    }
    return items;
}
