/**
 * Completion of stage names after `--from=` (COPY/ADD), `from=` (inside `RUN --mount=`) and
 * `FROM ` (the image position). Only stages defined above are offered: FROM resolves to earlier
 * stages only, a stage cannot copy from itself, and a forward `--from` breaks the classic builder.
 * Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionParams } from 'vscode-languageserver-protocol';
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import { stageDetail } from './symbols';
import { stageOfLine } from './stageAt';

export type StageCompletionContext = { kind: 'from' | 'copy-from' | 'mount-from'; prefix: string };

/**
 * What is being typed at the cursor, judged from the instruction's text before it (continuation
 * lines joined): a FROM image, `--from=` of COPY/ADD, or `from=` inside a RUN `--mount=`.
 * Text such as `chown --from=` inside a RUN is not a stage reference.
 */
export function completionContext(instructionPrefix: string): StageCompletionContext | null {
    let m = /^\s*FROM\s+(?:--[A-Za-z-]+=\S*\s+)*([A-Za-z0-9_.-]*)$/i.exec(instructionPrefix);
    if (m) return { kind: 'from', prefix: m[1] ?? '' };
    m = /^\s*(?:ONBUILD\s+)?RUN\s(?:.*\s)?--mount=(?:\S*?,)?from=([A-Za-z0-9_.-]*)$/is.exec(instructionPrefix);
    if (m) return { kind: 'mount-from', prefix: m[1] ?? '' };
    m = /^\s*(?:ONBUILD\s+)?(?:COPY|ADD)\s(?:.*\s)?--from=([A-Za-z0-9_.-]*)$/is.exec(instructionPrefix);
    if (m) return { kind: 'copy-from', prefix: m[1] ?? '' };
    return null;
}

/** The text from the start of the instruction holding `pos` (else of its line) to `pos`, one line. */
function instructionPrefix(document: TextDocument, analysis: Analysis, pos: Position): string {
    let start: Position = { line: pos.line, character: 0 };
    for (const stage of analysis.stages) {
        for (const ins of stage.instructions) {
            const r = ins.range;
            if (r.start.line < pos.line && r.end.line >= pos.line) start = r.start;
        }
    }
    const text = document.getText({ start, end: pos });
    const esc = analysis.escapeChar === '`' ? '`' : '\\\\';
    return text.replace(new RegExp(esc + '[ \\t]*\\r?\\n', 'g'), ' ');
}

export const STAGECRAFT_COMPLETION_DATA = 'stagecraft-stage';

export function provideCompletion(
    document: TextDocument,
    analysis: Analysis,
    params: CompletionParams,
): CompletionItem[] {
    const pos = params.position;
    const ctx = completionContext(instructionPrefix(document, analysis, pos));
    if (!ctx) return [];
    const current = stageOfLine(analysis, pos.line);
    // A FROM being typed is the start of a stage: only stages above this line can be its parent.
    const candidates: Stage[] = analysis.stages.filter((s) => {
        if (s.name === null) return false;
        if (ctx.kind === 'from') return s.fromRange.start.line < pos.line;
        // Not itself (self-reference), not a later stage (a forward reference breaks the classic builder).
        return current !== null && s.index < current.index;
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
