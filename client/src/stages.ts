/**
 * The stages of a Dockerfile for pickers in the client. No Dockerfile logic here: it asks the
 * shared, pure analysis (the same module the server and the CLI use). No `vscode` import.
 */
import { analyze } from '../../server/src/analysis';

export interface StageItem {
    index: number;
    name: string | null;
    /** 1-based line of the FROM. */
    line: number;
    from: string;
    patterns: string[];
}

export function listStages(text: string): StageItem[] {
    try {
        return analyze(text).stages.map((stage) => ({
            index: stage.index,
            name: stage.name,
            line: stage.line,
            from: stage.from,
            patterns: stage.patterns.map((p) => p.label),
        }));
    } catch {
        return [];
    }
}
