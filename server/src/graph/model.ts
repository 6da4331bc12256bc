/**
 * The stage graph as a picture sees it: one node per stage, one per external image, edges by kind,
 * what the target needs, which stages have problems, and (after a build) each stage's result.
 * Built from the analysis (never from the text) by `build.ts`, so the editor's view,
 * `stagecraft graph` and every output format draw the same graph. Types only (and one lookup): the
 * editor's view imports this without the analysis.
 *
 * The JSON of `stagecraft graph --format json` is this shape (`schema` names its version; fields
 * are only added within a version).
 */
import type { PatternLabel, Range } from '../analysis';
import type { StageResultKind } from '../common/report';

export const GRAPH_SCHEMA = 'stagecraft.stage-graph/v1';

/** How an edge's stage uses what it points from. */
export type EdgeKind = 'from' | 'copy' | 'mount';

/** What the build target makes of a stage. */
export type StageRole = 'target' | 'needed' | 'unneeded';

export type ProblemSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface StageProblem {
    severity: ProblemSeverity;
    /** The diagnostic code (`heavy-after-broad-copy`, ...). */
    code: string;
    message: string;
    /** 1-based line. */
    line: number;
}

/** A stage's result in the last build started from the editor (from the build report). */
export interface StageBuildResult {
    result: StageResultKind;
    seconds: number | null;
    sizeBytes: number | null;
}

export interface StageNode {
    kind: 'stage';
    /** `s<index>`: stable while stages keep their order. */
    id: string;
    index: number;
    name: string | null;
    /** The name, or `stage <index>` for an unnamed stage. */
    label: string;
    /** 1-based line of the FROM. */
    line: number;
    /** Where the editor puts the cursor for this stage: its name, else its image, else its FROM. */
    selection: Range;
    /** The image text as written. */
    from: string;
    patterns: PatternLabel[];
    role: StageRole;
    /** The `# name description` comment above the FROM. */
    description: string | null;
    heavySteps: number;
    testSteps: number;
    /** The stage's diagnostics, worst first (the unused-stage hint is not one: `role` says it). */
    problems: StageProblem[];
    build: StageBuildResult | null;
}

export interface ImageNode {
    kind: 'image';
    /** `i<n>`, in order of first use. */
    id: string;
    /** The image (or named build context) as resolved; as written when an ARG without value decides it. */
    image: string;
    /** True when an ARG without a value decides the image: the text is as written. */
    unresolved: boolean;
    /** Whether a stage the target needs uses it. */
    needed: boolean;
}

export type GraphNode = StageNode | ImageNode;

export interface GraphEdge {
    /** What is used: a stage or an image node id. */
    from: string;
    /** The stage that uses it. */
    to: string;
    kind: EdgeKind;
    /** 1-based line of the (first) instruction making the reference. */
    line: number;
    /** How many references this edge stands for (two `COPY --from=build` are one edge, count 2). */
    count: number;
    /** Whether the stage that uses it is needed by the target. */
    needed: boolean;
}

export interface StageGraph {
    schema: typeof GRAPH_SCHEMA;
    /** Index of the target stage; null when the file has no stage or the target is unknown. */
    target: number | null;
    platform: string;
    stages: StageNode[];
    images: ImageNode[];
    /** Dependency to dependent, in file order of the references. */
    edges: GraphEdge[];
}

/** What the graph needs of a diagnostic: the stage it is in (`data.stage` of ours) and what it says. */
export interface StageDiagnosticLike {
    stage: number;
    severity: ProblemSeverity;
    code: string;
    message: string;
    line: number;
}

/** The worst severity among a stage's problems, or null. */
export function worstProblem(node: StageNode): ProblemSeverity | null {
    return node.problems[0]?.severity ?? null;
}
