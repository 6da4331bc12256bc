/**
 * Hover: the stage card, on a FROM line, a stage name, or a reference to a stage
 * (`FROM builder`, `--from=builder`, `from=builder`, `--from=0`). Pure.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { HoverParams } from 'vscode-languageserver-protocol';
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { Analysis, Stage } from '../analysis';
import type { StagecraftSettings } from '../common/settings';
import { builtByCard, type StageUsage } from './builtBy';
import { buildCommandFor } from './buildCommand';
import { clip, stageAt, stageLabel, targetStage } from './stageAt';

/** What the server knows about the editor that the document does not say. */
export interface FeatureEnv {
    /** Workspace folder URIs, to print paths relative to them. */
    workspaceFolders: readonly string[];
    /** The workspace's builds of this Dockerfile (compose, Bake, CI), when the server scanned it. */
    workspace?: StageUsage;
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((s) => s.length));
    const fence = '`'.repeat(longest + 1);
    const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${text}${pad}${fence}`;
}

function ref(analysis: Analysis, index: number): string {
    const s = analysis.stages[index];
    return s ? `${code(stageLabel(s))} (${index})` : `stage ${index}`;
}

/** Links of a base chain shown before the rest is counted (`... 40 more <- golang:1.22`). */
const MAX_CHAIN = 12;
/** Items of a list (stages, images, heavy steps) shown before the rest is counted. */
const MAX_LISTED = 12;

/** The first `MAX_LISTED` items, and how many more there are: a card stays a card on any file. */
function listed(items: string[], more: (n: number) => string): string[] {
    return items.length <= MAX_LISTED ? items : [...items.slice(0, MAX_LISTED), more(items.length - MAX_LISTED)];
}

/** `app <- builder <- base <- golang:1.22`: the stage, its FROM parents, then the image. */
export function baseChain(analysis: Analysis, stage: Stage): string {
    const parts: string[] = [];
    const seen = new Set<number>();
    let cur: Stage | undefined = stage;
    let hidden = 0;
    while (cur && !seen.has(cur.index)) {
        seen.add(cur.index);
        if (parts.length < MAX_CHAIN) parts.push(stageLabel(cur)); else hidden++;
        if (cur.parent === null) {
            if (hidden > 0) parts.push(`... ${hidden} more`);
            parts.push(clip(cur.fromResolved ?? (cur.from || '?')));
            break;
        }
        cur = analysis.stages[cur.parent];
    }
    return parts.join(' <- ');
}

/**
 * The patterns with their reasons, then the patterns the stage almost has, each with why not
 * (`not a split step: it copies the whole source (COPY . on line 4)`).
 */
export function patternBlock(stage: Stage): string {
    const lines = [
        ...stage.patterns.map((p) => `- ${code(p.label)}: ${p.reason}`),
        ...stage.nearMisses.map((m) => `- *${m.reason}*`),
    ];
    if (stage.patterns.length === 0) return lines.length === 0 ? '**Patterns:** none' : `**Patterns:** none\n${lines.join('\n')}`;
    return `**Patterns:**\n${lines.join('\n')}`;
}

/** The Markdown stage card. */
export function stageCard(document: TextDocument, analysis: Analysis, stage: Stage, settings: StagecraftSettings, env: FeatureEnv): string {
    const out: string[] = [];
    out.push(`### Stage ${code(stageLabel(stage))} (index ${stage.index})`);
    if (stage.description) out.push(`> ${clip(stage.description.replace(/\n/g, ' '), 1000)}`);
    out.push(`**Base:** ${code(baseChain(analysis, stage))}`);

    out.push(patternBlock(stage));

    const deps = listed(stage.dependsOn.map((i) => ref(analysis, i)), (n) => `${n} more`);
    const images = listed(stage.externalFrom.map((i) => code(clip(i))), (n) => `${n} more`);
    let depends = deps.length ? deps.join(', ') : 'no other stage';
    if (images.length) depends += `; images: ${images.join(', ')}`;
    out.push(`**Depends on:** ${depends}`);
    out.push(`**Used by:** ${stage.usedBy.length ? listed(stage.usedBy.map((i) => ref(analysis, i)), (n) => `${n} more`).join(', ') : 'no other stage'}`);
    const builtBy = env.workspace ? builtByCard(env.workspace, stage, document.uri) : null;
    if (builtBy) out.push(builtBy);

    const target = targetStage(analysis);
    if (!target) {
        out.push('**Target:** unknown (check `stagecraft.target`)');
    } else if (target.index === stage.index) {
        out.push(`**Target:** this stage is the build target`);
    } else if (stage.reachable) {
        out.push(`**Target ${code(stageLabel(target))}:** needs this stage`);
    } else {
        out.push(`**Target ${code(stageLabel(target))}:** does not need this stage (BuildKit skips it; the classic builder still builds it)`);
    }

    if (stage.heavySteps.length === 0) {
        out.push('**Heavy steps:** none');
    } else {
        const lines = stage.heavySteps.map((h) => {
            let s = `- line ${h.line}: ${code(h.command)} (${h.kind})`;
            if (h.afterBroadCopy) {
                s += `, after the broad ${code(clip(`${h.afterBroadCopy.keyword} ${h.afterBroadCopy.sources.join(' ')} ${h.afterBroadCopy.dest}`))} on line ${h.afterBroadCopy.line}: every source change busts its cache`;
            }
            return s;
        });
        out.push('**Heavy steps:**\n' + listed(lines, (n) => `- and ${n} more`).join('\n'));
    }

    // A name too long to show is built by its index (`--target` takes either).
    const buildTarget = stage.name !== null && clip(stage.name) === stage.name ? stage.name : String(stage.index);
    const cmd = buildCommandFor(document.uri, env.workspaceFolders, buildTarget, settings);
    out.push('**Build with cache:**\n```sh\n' + cmd.display + '\n```');
    return out.join('\n\n');
}

export function provideHover(
    document: TextDocument,
    analysis: Analysis,
    params: HoverParams,
    settings: StagecraftSettings,
    env: FeatureEnv,
): Hover | null {
    const hit = stageAt(analysis, params.position, true);
    if (!hit) return null;
    return {
        contents: { kind: MarkupKind.Markdown, value: stageCard(document, analysis, hit.stage, settings, env) },
        range: hit.range,
    };
}
