/** Hovers, code lenses and diagnostics, as VS Code itself asks for them. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activate, codeLenses, codeOf, hoverText, lastLineWith, lensTitles, open, poll, positionOf, sample, stagecraftDiagnostics } from './helpers';

suite('hovers, lenses, diagnostics', () => {
    const uri = () => sample('busybox-demo', 'Dockerfile');
    let doc: vscode.TextDocument;

    suiteSetup(async () => {
        await activate();
        doc = (await open(uri())).document;
    });

    test('hover on a stage name shows the stage card with its pattern', async () => {
        const pos = positionOf(doc, 'FROM toolchain AS deps', 'deps', 1);
        const text = await poll(async () => {
            const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(), pos));
            return /Stage/.test(t) ? t : null;
        }, 'a stage hover');
        assert.match(text, /deps/);
        assert.match(text, /split-step/);
        assert.match(text, /toolchain/, 'the base chain names the parent stage');
        assert.match(text, /stagecraft-test\/busybox:1/, 'the base chain ends at the image');
    });

    test('hover on a --from reference shows the referenced stage', async () => {
        const pos = positionOf(doc, 'COPY --from=build', 'build', 1);
        const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri(), pos));
        assert.match(text, /build/);
        assert.match(text, /builder-app/);
    });

    test('every FROM has a "Build with cache" lens and a summary lens', async () => {
        const lenses = await poll(async () => {
            const l = await codeLenses(uri());
            return l.filter((x) => x.command).length >= 14 ? l : null;
        }, '14 resolved code lenses (2 per stage)');
        const froms: number[] = [];
        for (let i = 0; i < doc.lineCount; i++) if (/^FROM\s/i.test(doc.lineAt(i).text)) froms.push(i);
        assert.strictEqual(froms.length, 7);
        for (const [index, line] of froms.entries()) {
            const build = lenses.find((l) => l.range.start.line === line && /Build with cache/.test(l.command?.title ?? ''));
            assert.ok(build, `no Build lens on line ${line + 1}`);
            assert.strictEqual(build.command!.command, 'stagecraft.buildStage');
            assert.strictEqual(build.command!.arguments?.[1], index);
        }
        assert.deepStrictEqual(await lensTitles(uri(), positionOf(doc, 'FROM toolchain AS deps', 'FROM').line), ['$(play) Build with cache', 'split-step · used by 1']);
        const testTitles = await lensTitles(uri(), positionOf(doc, 'FROM build AS test', 'FROM').line);
        assert.ok(testTitles.includes('tested-app · unused by app'), JSON.stringify(testTitles));
        const appTitles = await lensTitles(uri(), positionOf(doc, 'FROM base AS app', 'FROM').line);
        assert.ok(appTitles.includes('build target'), JSON.stringify(appTitles));
    });

    test('diagnostics: heavy step after a broad COPY (warning) and unused stages (faded hints)', async () => {
        const diags = await poll(() => {
            const d = stagecraftDiagnostics(uri());
            return d.some((x) => codeOf(x) === 'heavy-after-broad-copy') ? d : null;
        }, 'a heavy-after-broad-copy diagnostic');
        const heavy = diags.filter((d) => codeOf(d) === 'heavy-after-broad-copy');
        assert.strictEqual(heavy.length, 1, JSON.stringify(heavy.map((d) => d.message)));
        assert.strictEqual(heavy[0]!.range.start.line, lastLineWith(doc, 'RUN npm ci'), 'on the RUN after COPY . . in docs');
        assert.strictEqual(heavy[0]!.severity, vscode.DiagnosticSeverity.Warning);
        assert.match(heavy[0]!.message, /npm ci/);
        const unused = diags.filter((d) => codeOf(d) === 'unused-stage');
        assert.deepStrictEqual(unused.map((d) => doc.lineAt(d.range.start.line).text).sort(), ['FROM build AS test', 'FROM toolchain AS docs'].sort());
        for (const d of unused) {
            assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Hint);
            assert.ok(d.tags?.includes(vscode.DiagnosticTag.Unnecessary), 'unused stages are faded');
        }
        const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
        assert.deepStrictEqual(errors.map((d) => d.message), [], 'a clean sample has no errors');
    });

    test('the other samples analyse without errors and show their patterns', async () => {
        const expected: Record<string, string[]> = {
            'go-service': ['alias', 'split-step', 'inner-base', 'builder-app', 'tested-app'],
            'node-app': ['alias', 'split-step', 'inner-base', 'builder-app', 'tested-app'],
            'python-app': ['alias', 'inner-base', 'builder-app', 'tested-app'],
        };
        for (const [dir, patterns] of Object.entries(expected)) {
            const u = sample(dir, 'Dockerfile');
            await open(u);
            const titles = await poll(async () => {
                const l = (await codeLenses(u)).map((x) => x.command?.title ?? '');
                return patterns.every((p) => l.some((t) => t.includes(p))) ? l : null;
            }, `${dir}: lenses naming ${patterns.join(', ')}`);
            assert.ok(titles.length > 0);
            const errors = stagecraftDiagnostics(u).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
            assert.deepStrictEqual(errors.map((d) => d.message), [], `${dir} has errors`);
        }
    });
});
