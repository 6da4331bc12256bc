/**
 * Derived Dockerfiles: the user's file with the stages a build must not run replaced by
 * `FROM scratch` stubs, and unnamed stages given a name so `--target` can reach them.
 *
 * Why: the classic builder runs every stage before `--target` in file order, needed or not
 * (docs/BUILDS.md), and `--target` only takes stage names. Line numbers are kept (a stub takes
 * the FROM line, the rest of the stage becomes blank lines) and every FROM stays, so stage
 * indexes (`COPY --from=1`) and the line numbers in docker's errors still match the user's file.
 */
import type { Stage } from '../analysis';

export interface DeriveInput {
    text: string;
    stages: readonly Pick<Stage, 'index' | 'name' | 'line' | 'fromRange'>[];
    /** Stages to keep as written; every other stage becomes a stub. */
    keep: ReadonlySet<number>;
    /** Names to give to unnamed kept stages (index -> name). */
    names: ReadonlyMap<number, string>;
    /** Drop every stage after this one (the classic builder stops at its target anyway). */
    cutAfter?: number;
}

export function deriveDockerfile(input: DeriveInput): string {
    const lines = input.text.split('\n');
    const { stages } = input;
    for (let i = 0; i < stages.length; i++) {
        const s = stages[i];
        const first = s.line - 1;
        if (first < 0 || first >= lines.length) { continue; }
        const cr = (l: string) => (l.endsWith('\r') ? '\r' : '');
        if (!input.keep.has(s.index)) {
            const end = i + 1 < stages.length ? stages[i + 1].line - 1 : lines.length;
            lines[first] = (s.name ? `FROM scratch AS ${s.name}` : 'FROM scratch') + cr(lines[first]);
            for (let l = first + 1; l < end && l < lines.length; l++) { lines[l] = cr(lines[l]); }
            continue;
        }
        const name = input.names.get(s.index);
        if (s.name === null && name !== undefined) {
            const { line, character } = s.fromRange.end;
            const text = lines[line] ?? '';
            const body = text.endsWith('\r') ? text.slice(0, -1) : text;
            const at = Math.min(character, body.length);
            lines[line] = body.slice(0, at) + ` AS ${name}` + body.slice(at) + cr(text);
        }
    }
    const cutAfter = input.cutAfter;
    const next = cutAfter !== undefined ? stages.find((s) => s.index === cutAfter + 1) : undefined;
    if (next !== undefined && next.line - 1 < lines.length) {
        const cut = lines.slice(0, next.line - 1);
        return cut.join('\n') + (cut.length > 0 && cut[cut.length - 1] !== '' && cut[cut.length - 1] !== '\r' ? '\n' : '');
    }
    return lines.join('\n');
}
