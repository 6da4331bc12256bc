/**
 * Compose files: `services.<name>.build`, short (`build: ./dir`) or long (`context`, `dockerfile`,
 * `target`, `dockerfile_inline`), `<<` merge keys and anchors followed. Paths are relative to the
 * compose file's folder (its project directory), `dockerfile` to the context. Pure.
 */
import { parseDocument } from 'yaml';
import type { BuildFile, BuildRef } from './model';
import { dirUri, resolvePath } from './paths';
import { LineIndex } from './text';
import { entries, stringOf, type YNode } from './yamlSupport';
import { parseErrorNotes, targetFields } from './buildSupport';

export function parseCompose(uri: string, text: string): BuildFile {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
    const lines = new LineIndex(text);
    const file: BuildFile = { uri, kind: 'compose', builds: [], notes: parseErrorNotes(doc.errors, lines) };
    const dir = dirUri(uri);
    const services = entries(doc, entries(doc, doc.contents as YNode).get('services')?.value);
    for (const [name, service] of services) {
        const build = entries(doc, service.value).get('build');
        if (!build) continue;
        const owner = `compose service ${name}`;
        const short = stringOf(text, build.value);
        const fields = short ? new Map() : entries(doc, build.value);
        const context = short ?? stringOf(text, fields.get('context')?.value);
        const dockerfile = stringOf(text, fields.get('dockerfile')?.value);
        const inline = fields.get('dockerfile_inline');
        if (inline) {
            file.notes.push({ code: 'inline-dockerfile', message: `${owner} builds an inline Dockerfile (dockerfile_inline): its stages are not followed.`, range: lines.range(inline.key.range![0], inline.key.range![1]) });
            continue;
        }
        const contextUri = context ? resolvePath(dir, context.value) : dir;
        let dockerfileUri: string | null = null;
        if (contextUri !== null) dockerfileUri = resolvePath(contextUri, dockerfile?.value ?? 'Dockerfile');
        const where = dockerfile ?? context;
        const ref: BuildRef = {
            file: uri,
            kind: 'compose',
            owner,
            dockerfile: dockerfileUri,
            dockerfileText: dockerfile?.value ?? null,
            dockerfileRange: where ? lines.range(where.start, where.end) : lines.range(build.key.range![0], build.key.range![1]),
            ...targetFields(text, lines, fields.get('target')),
        };
        if (dockerfileUri === null) {
            file.notes.push({ code: 'unresolved-dockerfile', message: `${owner}: the Dockerfile is not a local path (${(where?.value ?? '')}); its stages are not followed.`, range: ref.dockerfileRange! });
        }
        file.builds.push(ref);
    }
    return file;
}


