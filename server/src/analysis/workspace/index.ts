/**
 * The workspace index: every build file's builds, parsed once per change of its text, and the
 * cross-file questions the editor asks: which builds name a Dockerfile, which build is under a
 * position, which stages of a Dockerfile the workspace builds. Pure: the server hands it texts.
 */
import { URI } from 'vscode-uri';
import type { Position } from 'vscode-languageserver-types';
import { sameName } from '../analyze';
import type { Analysis } from '../model';
import { buildFileKind } from './files';
import type { BuildFile, BuildRef } from './model';
import { canonicalUri } from './paths';

export * from './model';
export { BUILD_FILE_GLOBS, DOCKERFILE_GLOBS, SKIPPED_DIRS, buildFileKind, isDockerfileName } from './files';
export { canonicalUri, dirUri, fileUri, relativePath } from './paths';

/**
 * The readers, loaded on first use: the YAML and HCL parsers cost ~200 ms of start-up, which a
 * workspace without compose, Bake or CI files never pays.
 */
const readers = {
    bake: () => require('./bake') as typeof import('./bake'),
    ci: () => require('./ci') as typeof import('./ci'),
    compose: () => require('./compose') as typeof import('./compose'),
};

/** Reads one build file; never throws (a reader's bug becomes a note on line 1). */
export function parseBuildFile(uri: string, text: string): BuildFile | null {
    const path = URI.parse(uri).path;
    const kind = buildFileKind(path);
    if (!kind) return null;
    try {
        switch (kind.syntax) {
            case 'hcl': return readers.bake().parseBakeHcl(uri, text);
            case 'json': return readers.bake().parseBakeJson(uri, text);
            case 'make': return readers.ci().parseMakefile(uri, text);
            default:
                if (kind.kind === 'compose') return readers.compose().parseCompose(uri, text);
                return kind.kind === 'github' ? readers.ci().parseGithub(uri, text) : readers.ci().parseGitlab(uri, text);
        }
    } catch (error) {
        const message = `Stagecraft could not read this file: ${error instanceof Error ? error.message : String(error)}`;
        return { uri, kind: kind.kind, builds: [], notes: [{ code: 'parse-error', message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
    }
}

const KIND_ORDER: readonly BuildRef['kind'][] = ['compose', 'bake', 'github', 'gitlab', 'make'];

const within = (r: { start: Position; end: Position } | null, p: Position) =>
    r !== null && (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
    && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export class WorkspaceIndex {
    private readonly files = new Map<string, { text: string; file: BuildFile }>();
    private byDockerfile: Map<string, BuildRef[]> | null = null;
    /** Files parsed so far (a text set again unchanged is not parsed again). */
    parses = 0;
    /** Grows with every change, so answers derived from the index can be cached against it. */
    version = 0;

    /** Sets a build file's text (other files are ignored); true when it changed. */
    set(uri: string, text: string): boolean {
        const key = canonicalUri(uri);
        const old = this.files.get(key);
        if (old && old.text === text) return false;
        const file = parseBuildFile(key, text);
        if (!file) return false;
        this.parses++;
        this.files.set(key, { text, file });
        this.changed();
        return true;
    }

    delete(uri: string): boolean {
        const gone = this.files.delete(canonicalUri(uri));
        if (gone) this.changed();
        return gone;
    }

    has(uri: string): boolean {
        return this.files.has(canonicalUri(uri));
    }

    file(uri: string): BuildFile | undefined {
        return this.files.get(canonicalUri(uri))?.file;
    }

    /** Number of build files. */
    get size(): number {
        return this.files.size;
    }

    all(): BuildFile[] {
        return [...this.files.values()].map((f) => f.file);
    }

    /** The builds of one Dockerfile, in file order. */
    buildsOf(dockerfile: string): BuildRef[] {
        if (!this.byDockerfile) {
            const map = new Map<string, BuildRef[]>();
            for (const { file } of this.files.values()) {
                for (const b of file.builds) {
                    if (b.dockerfile === null) continue;
                    let list = map.get(b.dockerfile);
                    if (!list) map.set(b.dockerfile, (list = []));
                    list.push(b);
                }
            }
            // In a stable order, whatever order the files were read in: compose, Bake, CI, make; by file, then position.
            const at = (b: BuildRef) => b.targetRange ?? b.targetSlot ?? b.dockerfileRange;
            for (const list of map.values()) {
                list.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
                    || (at(a)?.start.line ?? 0) - (at(b)?.start.line ?? 0) || (at(a)?.start.character ?? 0) - (at(b)?.start.character ?? 0));
            }
            this.byDockerfile = map;
        }
        return this.byDockerfile.get(canonicalUri(dockerfile)) ?? [];
    }

    /** Every Dockerfile a build names. */
    dockerfiles(): string[] {
        this.buildsOf('');
        return [...this.byDockerfile!.keys()];
    }

    /** The build whose target (or the place a target is typed) is at `pos` in `uri`. */
    buildAt(uri: string, pos: Position): BuildRef | null {
        const file = this.file(uri);
        return file?.builds.find((b) => within(b.targetSlot, pos)) ?? null;
    }

    private changed(): void {
        this.byDockerfile = null;
        this.version++;
    }
}

/** The stage a build's target names in this analysis (no target: the last stage), or null. */
export function buildStage(analysis: Analysis, build: BuildRef): number | null {
    if (build.target === null) return build.literal && analysis.stages.length ? analysis.stages.length - 1 : null;
    const s = analysis.stages.find((st) => st.name !== null && sameName(st.name, build.target));
    return s ? s.index : null;
}

/** Per stage: the builds that build exactly it, and those whose target needs it (itself included). */
export interface StageBuilds {
    builtBy: BuildRef[][];
    neededBy: BuildRef[][];
}

export function stageBuilds(analysis: Analysis, builds: readonly BuildRef[]): StageBuilds {
    const n = analysis.stages.length;
    const builtBy: BuildRef[][] = Array.from({ length: n }, () => []);
    const neededBy: BuildRef[][] = Array.from({ length: n }, () => []);
    for (const b of builds) {
        const i = buildStage(analysis, b);
        if (i === null) continue;
        builtBy[i]!.push(b);
        const seen = new Set<number>();
        const stack = [i];
        while (stack.length) {
            const s = stack.pop()!;
            if (seen.has(s)) continue;
            seen.add(s);
            neededBy[s]!.push(b);
            for (const d of analysis.stages[s]?.dependsOn ?? []) stack.push(d);
        }
    }
    return { builtBy, neededBy };
}
