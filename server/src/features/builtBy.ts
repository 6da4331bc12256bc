/**
 * Who builds a stage: the workspace's builds of one Dockerfile (compose services, Bake targets,
 * CI jobs, Makefile rules; `analysis/workspace`), for the Dockerfile's own features: the build
 * references of a stage (references, rename), the `built by` part of the stage summary and card,
 * and whether anything needs a stage the target does not. Pure.
 */
import type { Location, TextEdit } from 'vscode-languageserver-types';
import { sameName, type Analysis, type Stage } from '../analysis';
import { dirUri, relativePath, stageBuilds, type BuildRef, type StageBuilds } from '../analysis/workspace';

/** The workspace's builds of one Dockerfile and which stage each builds and needs. */
export interface StageUsage {
    builds: readonly BuildRef[];
    usage: StageBuilds;
}

export function stageUsage(analysis: Analysis, builds: readonly BuildRef[]): StageUsage {
    return { builds, usage: stageBuilds(analysis, builds) };
}

/** The builds that name stage `stage` by its name, with a range that can be edited. */
export function namingBuilds(stage: Stage, builds: readonly BuildRef[]): BuildRef[] {
    const seen = new Set<string>();
    return builds.filter((b) => {
        if (!b.literal || b.target === null || b.targetRange === null || stage.name === null || !sameName(b.target, stage.name)) return false;
        const key = `${b.file}#${b.targetRange.start.line}:${b.targetRange.start.character}`;
        if (seen.has(key)) return false; // a Bake parent's target, inherited by several targets
        seen.add(key);
        return true;
    });
}

export function buildLocations(stage: Stage, builds: readonly BuildRef[]): Location[] {
    return namingBuilds(stage, builds).map((b) => ({ uri: b.file, range: b.targetRange! }));
}

/** The edits that rename stage `stage` in every build that names it, by file. */
export function buildRenameEdits(stage: Stage, builds: readonly BuildRef[], newName: string): Record<string, TextEdit[]> {
    const out: Record<string, TextEdit[]> = {};
    for (const b of namingBuilds(stage, builds)) (out[b.file] ??= []).push({ range: b.targetRange!, newText: newName });
    return out;
}

/** Unique owners: `compose service api`, ... */
function owners(builds: readonly BuildRef[]): string[] {
    return [...new Set(builds.map((b) => b.owner))];
}

/** `built by compose service api, bake target release +2` for the stage summary (the tooltip has it all). */
export function builtBySummary(usage: StageUsage | undefined, stage: Stage, max = 2): string | null {
    const list = owners(usage?.usage.builtBy[stage.index] ?? []);
    if (list.length === 0) return null;
    return `built by ${list.slice(0, max).join(', ')}${list.length > max ? ` +${list.length - max}` : ''}`;
}

/** Whether a build in the workspace needs the stage (it or a stage built after it). */
export function neededByWorkspace(usage: StageUsage | undefined, stage: Stage): boolean {
    return (usage?.usage.neededBy[stage.index]?.length ?? 0) > 0;
}

/**
 * The stage card's `Built by` line: every build of this stage, with a link to where it is
 * written; for a stage the target does not need, the builds that need it or that none does.
 * Null for a stage the target needs and no build names.
 */
export function builtByCard(usage: StageUsage, stage: Stage, dockerfileUri: string): string | null {
    const built = usage.usage.builtBy[stage.index] ?? [];
    const where = (b: BuildRef) => {
        const line = (b.targetRange ?? b.targetSlot ?? b.dockerfileRange)?.start.line ?? 0;
        return `[${relativePath(dirUri(dockerfileUri), b.file)}:${line + 1}](${b.file}#L${line + 1})`;
    };
    if (built.length) return `**Built by:** ${built.map((b) => `${b.owner} (${where(b)})`).join(', ')}`;
    if (stage.reachable) return null;
    const needed = owners(usage.usage.neededBy[stage.index] ?? []);
    if (needed.length) return `**Built by:** no build names it; ${needed.length === 1 ? 'the build' : 'the builds'} of ${needed.slice(0, 3).join(', ')}${needed.length > 3 ? ` and ${needed.length - 3} more` : ''} ${needed.length === 1 ? 'needs' : 'need'} it`;
    return '**Built by:** nothing in the workspace (no compose service, Bake target, workflow or Makefile builds it or a stage that needs it)';
}

