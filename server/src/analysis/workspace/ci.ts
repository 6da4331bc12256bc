/**
 * CI files: GitHub workflows (`docker/build-push-action` steps: `context`, `file`, `target`; and
 * `docker build` commands in `run:`) and GitLab CI (`docker build` commands in `script:`,
 * `before_script:`, `after_script:`), and Makefile recipes. Paths in commands are relative to the
 * command's working directory: the repository root (the folder holding `.github`, or
 * `.gitlab-ci.yml`) or a step's `working-directory`; a Makefile's folder. Pure.
 */
import { parseDocument, type Document } from 'yaml';
import type { BuildFile, BuildFileKind, BuildRef } from './model';
import { isLiteralName, parseErrorNotes, targetFields } from './buildSupport';
import { baseName, dirUri, resolvePath } from './paths';
import { dockerBuild, shellCommands, type ShellWord } from './shell';
import { LineIndex } from './text';
import { entries, items, scriptOf, stringOf, type YNode } from './yamlSupport';

/** A script and the source offset of each of its characters. */
interface Script {
    text: string;
    offsets: number[];
    folded: boolean;
}

/** The builds of every `docker build` command in a script run in `cwd`. */
export function scriptBuilds(uri: string, kind: BuildFileKind, owner: string, script: Script, cwd: string, lines: LineIndex): BuildRef[] {
    const out: BuildRef[] = [];
    const at = (i: number) => script.offsets[Math.min(i, script.offsets.length - 1)]!;
    const range = (w: { start: number; end: number }) => lines.range(at(w.start), at(w.end - 1) + 1);
    for (const words of shellCommands(script.text, script.folded)) {
        const cmd = dockerBuild(words, script.text);
        if (!cmd) continue;
        const context = cmd.context && cmd.context.literal ? resolvePath(cwd, cmd.context.value) : null;
        let dockerfile: string | null = null;
        if (cmd.file) dockerfile = cmd.file.literal ? resolvePath(cwd, cmd.file.value) : null;
        else if (context !== null) dockerfile = resolvePath(context, 'Dockerfile');
        const where: ShellWord | null = cmd.file ?? cmd.context;
        const t = cmd.target;
        const literal = !t || (t.literal && isLiteralName(t.value));
        // The exact range only when every character maps straight to the source (no folding inside the name).
        let targetRange = null;
        if (t && literal && t.exact) {
            const s = at(t.exact.start);
            const e = at(t.exact.end - 1) + 1;
            if (e - s === t.exact.end - t.exact.start) targetRange = lines.range(s, e);
        }
        out.push({
            file: uri,
            kind,
            owner,
            dockerfile,
            dockerfileText: cmd.file?.value ?? null,
            dockerfileRange: where ? range(where) : lines.range(at(cmd.start), at(cmd.start) + cmd.tool.length),
            target: t ? t.value : null,
            targetRange,
            literal,
            targetSlot: targetRange ?? (t ? range(t) : null),
        });
    }
    return out;
}

const GITLAB_KEYWORDS = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'spec']);

export function parseGitlab(uri: string, text: string): BuildFile {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    const lines = new LineIndex(text);
    const file: BuildFile = { uri, kind: 'gitlab', builds: [], notes: parseErrorNotes(doc.errors, lines) };
    const root = dirUri(uri);
    for (const [name, job] of entries(doc, doc.contents as YNode)) {
        if (GITLAB_KEYWORDS.has(name)) continue;
        const fields = entries(doc, job.value);
        for (const key of ['before_script', 'script', 'after_script']) {
            for (const script of scriptsOf(doc, text, fields.get(key)?.value)) {
                file.builds.push(...scriptBuilds(uri, 'gitlab', `GitLab job ${name}`, script, root, lines));
            }
        }
    }
    return file;
}

/** A script entry: one string, or a list of them (each its own script). */
function scriptsOf(doc: Document, text: string, node: YNode): Script[] {
    const nodes = items(doc, node);
    return (nodes.length ? nodes : [node]).map((n) => scriptOf(text, n)).filter((s): s is Script => s !== null);
}

export function parseGithub(uri: string, text: string): BuildFile {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    const lines = new LineIndex(text);
    const file: BuildFile = { uri, kind: 'github', builds: [], notes: parseErrorNotes(doc.errors, lines) };
    const root = dirUri(dirUri(dirUri(uri)));
    const workflow = baseName(uri);
    const top = entries(doc, doc.contents as YNode);
    const defaultDir = (node: YNode) => stringOf(text, entries(doc, entries(doc, entries(doc, node).get('defaults')?.value).get('run')?.value).get('working-directory')?.value)?.value;
    const workflowDir = defaultDir(doc.contents as YNode);
    for (const [jobId, job] of entries(doc, top.get('jobs')?.value)) {
        const owner = `workflow ${workflow} job ${jobId}`;
        const jobDir = defaultDir(job.value) ?? workflowDir;
        for (const step of items(doc, entries(doc, job.value).get('steps')?.value)) {
            const fields = entries(doc, step);
            const uses = stringOf(text, fields.get('uses')?.value)?.value ?? '';
            if (/^docker\/build-push-action@/i.test(uses)) {
                const at = fields.get('uses')!.value!.range!;
                file.builds.push(buildPushAction(uri, doc, text, lines, owner, root, fields.get('with')?.value, lines.range(at[0], at[1])));
                continue;
            }
            const run = fields.get('run');
            if (!run) continue;
            const dir = stringOf(text, fields.get('working-directory')?.value)?.value ?? jobDir;
            const cwd = dir ? resolvePath(root, dir) : root;
            const script = scriptOf(text, run.value);
            if (script && cwd !== null) file.builds.push(...scriptBuilds(uri, 'github', owner, script, cwd, lines));
        }
    }
    return file;
}

/** `docker/build-push-action`: `context` (default: the repository), `file` (relative to the repository root), `target`. */
function buildPushAction(uri: string, doc: Document, text: string, lines: LineIndex, owner: string, root: string, withNode: YNode, usesRange: BuildRef['dockerfileRange']): BuildRef {
    const w = entries(doc, withNode);
    const context = stringOf(text, w.get('context')?.value);
    const file = stringOf(text, w.get('file')?.value);
    const contextUri = context ? resolvePath(root, context.value) : root;
    let dockerfile: string | null = null;
    if (file) dockerfile = resolvePath(root, file.value);
    else if (contextUri !== null) dockerfile = resolvePath(contextUri, 'Dockerfile');
    const where = file ?? context;
    return {
        file: uri,
        kind: 'github',
        owner,
        dockerfile,
        dockerfileText: file?.value ?? null,
        dockerfileRange: where ? lines.range(where.start, where.end) : usesRange,
        ...targetFields(text, lines, w.get('target')),
    };
}

/** Makefile recipes: each recipe line (with its `\` continuations) is one script, run in the Makefile's folder. */
export function parseMakefile(uri: string, text: string): BuildFile {
    const lines = new LineIndex(text);
    const file: BuildFile = { uri, kind: 'make', builds: [], notes: [] };
    const cwd = dirUri(uri);
    let rule = '';
    let pos = 0;
    while (pos < text.length) {
        let end = text.indexOf('\n', pos);
        if (end < 0) end = text.length;
        const line = text.slice(pos, end);
        if (line.startsWith('\t')) {
            // One logical recipe line: continued while a line ends with a backslash.
            let last = end;
            while (/\\\r?$/.test(text.slice(pos, last)) && last < text.length) {
                const next = text.indexOf('\n', last + 1);
                last = next < 0 ? text.length : next;
            }
            const prefix = /^\t[@+\-\s]*/.exec(line)![0].length;
            const body = text.slice(pos + prefix, last);
            const script = { text: body, offsets: Array.from({ length: body.length + 1 }, (_, k) => pos + prefix + k), folded: false };
            file.builds.push(...scriptBuilds(uri, 'make', `make target ${rule || '?'}`, script, cwd, lines));
            pos = last + 1;
            continue;
        }
        const m = /^([^\s:#=][^:=#]*?)\s*::?(?![=])/.exec(line);
        if (m && !/^\.[A-Z_]+$/.test(m[1]!.trim())) rule = m[1]!.trim().split(/\s+/)[0]!;
        pos = end + 1;
    }
    return file;
}
