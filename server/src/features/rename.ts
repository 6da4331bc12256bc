/**
 * Rename a stage everywhere: its `AS` name, every reference that spells the name (FROM,
 * `--from=`, `from=`), and every compose, Bake or CI file in the workspace that names it. Numeric references (`--from=1`) keep pointing at the same index and are
 * left alone. The new name must be a valid BuildKit stage name, not reserved, not taken. Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { PrepareRenameParams, RenameParams } from 'vscode-languageserver-protocol';
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { sameName, type Analysis, type Stage } from '../analysis';
import type { BuildRef } from '../analysis/workspace';
import { buildRenameEdits } from './builtBy';
import { stageOccurrences } from './references';
import { stageAt } from './stageAt';

/** BuildKit's stage name rule (`^[a-z][a-z0-9-_.]*$`, case-insensitive). */
export const STAGE_NAME_RE = /^[a-z][a-z0-9\-_.]*$/i;

export type RenameResult = { edit: WorkspaceEdit } | { error: string };
export type PrepareRenameResult = { range: Range; placeholder: string } | { error: string } | null;

/** Where a rename can start: a stage's `AS` name or a reference spelling it. */
export function prepareRename(_document: TextDocument, analysis: Analysis, params: PrepareRenameParams): PrepareRenameResult {
    const hit = stageAt(analysis, params.position, false);
    if (!hit) return null;
    if (hit.stage.name === null) return { error: `Stage ${hit.stage.index} has no name; name it first (AS name).` };
    if (hit.ref && hit.ref.numeric) return { error: 'This reference is a stage index; rename the stage at its AS name.' };
    return { range: hit.range, placeholder: hit.stage.name };
}

/** `builds`: the workspace's builds of this Dockerfile; those that name the stage are renamed too. */
export function provideRename(document: TextDocument, analysis: Analysis, params: RenameParams, builds: readonly BuildRef[] = []): RenameResult | null {
    const hit = stageAt(analysis, params.position, false);
    if (!hit) return null;
    return renameStage(document.uri, analysis, hit.stage, params.newName, builds);
}

/**
 * The rename of a stage of the Dockerfile `uri` as one workspace edit: its `AS` name, its spelled
 * references, and every build in the workspace that names it (compose, Bake, CI files).
 */
export function renameStage(uri: string, analysis: Analysis, stage: Stage, name: string, builds: readonly BuildRef[]): RenameResult {
    if (stage.name === null) return { error: `Stage ${stage.index} has no name; name it first (AS name).` };
    const newName = name.trim();
    if (!STAGE_NAME_RE.test(newName)) {
        return { error: `${JSON.stringify(newName)} is not a valid stage name: start with a letter, then letters, digits, '-', '_' or '.'.` };
    }
    if (sameName(newName, 'scratch') || sameName(newName, 'context')) return { error: `${newName} is a reserved stage name.` };
    const taken = analysis.stages.find((s) => s.index !== stage.index && s.name !== null && sameName(s.name, newName));
    if (taken) return { error: `Stage ${taken.index} (line ${taken.line}) is already named ${taken.name}.` };
    const edits: TextEdit[] = stageOccurrences(analysis, stage.index)
        .filter((o) => o.kind === 'declaration' || (o.ref !== null && !o.ref.numeric && sameName(o.ref.text, stage.name as string)))
        .map((o) => ({ range: o.range, newText: newName }));
    return { edit: { changes: { [uri]: edits, ...buildRenameEdits(stage, builds, newName) } } };
}
