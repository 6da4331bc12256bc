/**
 * Document symbols: the global ARGs, then the stages as an outline (detail: the base image and
 * the patterns), each with its instructions as children. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentSymbolParams } from 'vscode-languageserver-protocol';
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver-types';
import type { Analysis, InstructionInfo, Stage } from '../analysis';
import { clip, stageBodyRange, stageLabel } from './stageAt';

function contains(outer: Range, inner: Range): boolean {
    const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
    return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** `FROM golang:1.22 · builder-app, split-step` */
export function stageDetail(stage: Stage): string {
    const from = `FROM ${clip(stage.from)}`;
    return stage.patterns.length ? `${from} · ${stage.patterns.map((p) => p.label).join(', ')}` : from;
}

function truncate(s: string, n: number): string {
    const one = s.replace(/\s+/g, ' ').trim();
    return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/** The instruction after its keyword (flags included), on one line: what the analysis read, continuations joined. */
function instructionDetail(ins: InstructionInfo): string {
    return truncate(ins.flags.length === 0 ? ins.args : `${ins.flags.map((f) => f.text).join(' ')} ${ins.args}`, 60);
}

export function provideDocumentSymbols(
    _document: TextDocument,
    analysis: Analysis,
    _params: DocumentSymbolParams,
): DocumentSymbol[] {
    const out: DocumentSymbol[] = [];
    for (const arg of analysis.globalArgs) {
        out.push({
            name: arg.name || 'ARG',
            detail: arg.default === null ? 'ARG' : `ARG = ${arg.default}`,
            kind: SymbolKind.Variable,
            range: arg.range,
            selectionRange: arg.range,
        });
    }
    for (const stage of analysis.stages) {
        const range = stageBodyRange(stage);
        const sel = stage.nameRange && contains(range, stage.nameRange) ? stage.nameRange : stage.fromRange;
        const children: DocumentSymbol[] = stage.instructions
            .filter((ins) => contains(range, ins.range))
            .map((ins) => ({
                name: ins.keyword,
                detail: instructionDetail(ins),
                kind: SymbolKind.Field,
                range: ins.range,
                selectionRange: ins.range,
            }));
        out.push({
            name: stageLabel(stage),
            detail: stageDetail(stage),
            kind: SymbolKind.Class,
            range,
            selectionRange: sel,
            children,
        });
    }
    return out;
}
