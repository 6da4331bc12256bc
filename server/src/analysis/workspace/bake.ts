/**
 * Bake files: `target "name" { context, dockerfile, target, inherits, dockerfile-inline }` in
 * HCL (`docker-bake.hcl`, read with the Lezer HCL grammar of `codemirror-lang-hcl`) and the same
 * in JSON (`docker-bake.json`, read with `yaml`: JSON is YAML's flow syntax, same ranges).
 * `inherits` is followed (parents in order, own attributes last). Paths are relative to the Bake
 * file's folder, `dockerfile` to the context. Pure.
 */
import type { SyntaxNode } from '@lezer/common';
import { hclLanguage } from 'codemirror-lang-hcl';
import { parseDocument } from 'yaml';
import type { BuildFile, BuildRef } from './model';
import { isLiteralName, parseErrorNotes } from './buildSupport';
import { dirUri, resolvePath } from './paths';
import { LineIndex } from './text';
import { entries, items, stringOf, type YNode } from './yamlSupport';

/** A string attribute: its value, whether it is a literal, and where it is. */
interface BakeString {
    value: string;
    literal: boolean;
    start: number;
    end: number;
    exact: { start: number; end: number } | null;
}

interface BakeAttr {
    key: { start: number; end: number };
    str: BakeString | null;
    list: string[] | null;
    /** Where a value is typed when there is none yet (`target = ` or `"target": ""`). */
    emptySlot: { start: number; end: number } | null;
}

interface BakeTarget {
    name: string;
    nameRange: { start: number; end: number };
    attrs: Map<string, BakeAttr>;
}

export function parseBakeHcl(uri: string, text: string): BuildFile {
    const lines = new LineIndex(text);
    const tree = hclLanguage.parser.parse(text);
    const targets: BakeTarget[] = [];
    const notes: BuildFile['notes'] = [];
    let error: SyntaxNode | null = null;
    tree.iterate({ enter: (n) => { if (n.type.isError && !error) error = n.node; } });
    if (error) {
        const e = error as SyntaxNode;
        notes.push({ code: 'parse-error', message: 'Not valid HCL here; the rest of the file is read as far as it can be.', range: lines.range(e.from, Math.max(e.to, e.from + 1)) });
    }
    const body = tree.topNode.getChild('Body');
    for (const block of body?.getChildren('Block') ?? []) {
        const type = block.getChild('BlockType');
        if (!type || text.slice(type.from, type.to) !== 'target') continue;
        const label = block.getChild('BlockLabel');
        const labelString = label ? hclString(text, label.firstChild) : null;
        if (!label || !labelString) continue;
        const attrs = new Map<string, BakeAttr>();
        for (const attr of block.getChild('Body')?.getChildren('Attribute') ?? []) {
            const id = attr.getChild('Identifier');
            if (!id) continue;
            const expr = attr.getChild('Expression');
            const op = attr.getChild('AssignOp');
            const str = expr ? hclString(text, expr) : null;
            const list = expr ? hclList(text, expr) : null;
            let emptySlot: BakeAttr['emptySlot'] = null;
            if (str && str.value === '' && str.exact) emptySlot = str.exact;
            else if (!expr && op) {
                const eol = text.indexOf('\n', op.to);
                emptySlot = { start: op.to, end: eol < 0 ? text.length : eol };
            }
            attrs.set(text.slice(id.from, id.to), { key: { start: id.from, end: id.to }, str, list, emptySlot });
        }
        targets.push({ name: labelString.value, nameRange: { start: label.from, end: label.to }, attrs });
    }
    return { uri, kind: 'bake', builds: bakeBuilds(uri, lines, targets, notes), notes };
}

export function parseBakeJson(uri: string, text: string): BuildFile {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    const lines = new LineIndex(text);
    const notes = parseErrorNotes(doc.errors, lines);
    const targets: BakeTarget[] = [];
    for (const [name, t] of entries(doc, entries(doc, doc.contents as YNode).get('target')?.value)) {
        const attrs = new Map<string, BakeAttr>();
        for (const [key, a] of entries(doc, t.value)) {
            const s = stringOf(text, a.value);
            const list = items(doc, a.value).map((i) => stringOf(text, i)?.value).filter((v): v is string => v !== undefined);
            const str: BakeString | null = s ? { ...s, literal: isLiteralName(s.value) } : null;
            attrs.set(key, {
                key: { start: a.key.range![0], end: a.key.range![1] },
                str,
                list: list.length ? list : null,
                emptySlot: s && s.value === '' && s.exact ? s.exact : null,
            });
        }
        targets.push({ name, nameRange: { start: t.key.range![0], end: t.key.range![1] }, attrs });
    }
    return { uri, kind: 'bake', builds: bakeBuilds(uri, lines, targets, notes), notes };
}

/** A quoted HCL string (or a template, not literal) under an Expression; null for other expressions. */
function hclString(text: string, node: SyntaxNode | null): BakeString | null {
    let n = node;
    while (n && (n.name === 'Expression' || n.name === 'LiteralValue' || n.name === 'TemplateExpr')) n = n.firstChild;
    if (!n) return null;
    if (n.name !== 'StringLit' && n.name !== 'QuotedTemplate') {
        return { value: text.slice(n.from, n.to), literal: false, start: n.from, end: n.to, exact: null };
    }
    const open = n.getChild('QuotedTemplateStart');
    const close = n.getChild('QuotedTemplateEnd');
    const start = open ? open.to : n.from;
    const end = close ? close.from : n.to;
    const raw = text.slice(start, end);
    const literal = n.name === 'StringLit' && !/\$\{|%\{/.test(raw);
    const value = raw.replace(/\\(["\\nrt])|\$\$\{|%%\{/g, (m, c: string | undefined) => {
        if (m === '$${') return '${';
        if (m === '%%{') return '%{';
        return c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : (c ?? '');
    });
    return { value, literal: literal && isLiteralName(value), start: n.from, end: n.to, exact: value === raw ? { start, end } : null };
}

/** A tuple of literal strings (`["a", "b"]`), or null. */
function hclList(text: string, expr: SyntaxNode): string[] | null {
    const tuple = expr.getChild('CollectionValue')?.getChild('Tuple');
    if (!tuple) return null;
    return tuple.getChildren('Expression').map((e) => hclString(text, e)).filter((s): s is BakeString => s !== null && s.literal).map((s) => s.value);
}

/** One build per target: its own attributes over its parents' (`inherits`, in order). */
function bakeBuilds(uri: string, lines: LineIndex, targets: BakeTarget[], notes: BuildFile['notes']): BuildRef[] {
    const byName = new Map(targets.map((t) => [t.name, t] as const));
    const resolved = (t: BakeTarget, seen: Set<string>): Map<string, BakeAttr> => {
        const out = new Map<string, BakeAttr>();
        if (seen.has(t.name)) return out;
        seen.add(t.name);
        for (const parent of t.attrs.get('inherits')?.list ?? []) {
            const p = byName.get(parent);
            if (p) for (const [k, v] of resolved(p, seen)) out.set(k, v);
        }
        for (const [k, v] of t.attrs) out.set(k, v);
        return out;
    };
    const dir = dirUri(uri);
    const builds: BuildRef[] = [];
    for (const t of targets) {
        const owner = `bake target ${t.name}`;
        const attrs = resolved(t, new Set());
        const inline = attrs.get('dockerfile-inline');
        if (inline) {
            notes.push({ code: 'inline-dockerfile', message: `${owner} builds an inline Dockerfile (dockerfile-inline): its stages are not followed.`, range: lines.range(inline.key.start, inline.key.end) });
            continue;
        }
        const context = attrs.get('context')?.str ?? null;
        const dockerfile = attrs.get('dockerfile')?.str ?? null;
        const contextUri = context ? (context.literal ? resolvePath(dir, context.value) : null) : dir;
        const dockerfileUri = contextUri === null || (dockerfile && !dockerfile.literal) ? null : resolvePath(contextUri, dockerfile?.value ?? 'Dockerfile');
        const where = dockerfile ?? context;
        const dockerfileRange = where ? lines.range(where.start, where.end) : lines.range(t.nameRange.start, t.nameRange.end);
        if (dockerfileUri === null) {
            notes.push({ code: 'unresolved-dockerfile', message: `${owner}: the Dockerfile is not a local path (${where?.value ?? ''}); its stages are not followed.`, range: dockerfileRange });
        }
        const targetAttr = attrs.get('target');
        const s = targetAttr?.str ?? null;
        const named = s !== null && s.value !== '';
        builds.push({
            file: uri,
            kind: 'bake',
            owner,
            dockerfile: dockerfileUri,
            dockerfileText: dockerfile?.value ?? null,
            dockerfileRange,
            target: named ? s.value : null,
            targetRange: named && s.literal && s.exact ? lines.range(s.exact.start, s.exact.end) : null,
            literal: !targetAttr || !s || s.literal,
            targetSlot: named ? lines.range(s.exact?.start ?? s.start, s.exact?.end ?? s.end)
                : targetAttr?.emptySlot ? lines.range(targetAttr.emptySlot.start, targetAttr.emptySlot.end) : null,
        });
    }
    return builds;
}
