/** .NET: `dotnet restore` reads the project files and the NuGet and MSBuild settings beside them. */
import type { ToolTable } from './types';
import { heavy, movable, needs, normalizeRel, other, positionals, stuck } from './words';

const DOTNET_CAVEAT = 'assumes .dockerignore excludes bin and obj';
const SETTINGS = ['NuGet.Config', 'nuget.config', 'Directory.Build.props', 'Directory.Packages.props', 'global.json'];

export const dotnet: ToolTable = {
    name: 'dotnet', commands: ['dotnet'],
    manifests: ['*.csproj', '*.fsproj', '*.vbproj', '*.sln', 'packages.config'], lockFiles: ['packages.lock.json'], configFiles: SETTINGS,
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'restore') {
            const targets = positionals(words.slice(2), ['-s', '--source', '-r', '--runtime', '--packages', '--configfile', '-v', '--verbosity', '-p', '--property']);
            if (targets.length > 1 || targets.some((t) => t.includes('$') || t.startsWith('/') || t.startsWith('..'))) {
                return heavy('dependencies', 'dotnet', 'dotnet restore', stuck('dotnet restore of a project outside the sources'));
            }
            if (targets.length === 1 && /\.(cs|fs|vb)proj$|\.sln$/i.test(targets[0])) {
                return heavy('dependencies', 'dotnet', 'dotnet restore', movable(needs([normalizeRel(targets[0])], SETTINGS), DOTNET_CAVEAT));
            }
            if (targets.length === 1) return heavy('dependencies', 'dotnet', 'dotnet restore', stuck('dotnet restore of a folder'));
            return heavy('dependencies', 'dotnet', 'dotnet restore', movable(needs(['*.csproj'], SETTINGS), DOTNET_CAVEAT));
        }
        if (sub === 'test') return { kind: 'test', tool: 'dotnet', command: 'dotnet test' };
        if (sub === 'publish' || sub === 'build' || sub === 'pack') return { kind: 'build', tool: 'dotnet', command: `dotnet ${sub}` };
        if (sub === 'tool' && words[2] === 'install') return heavy('toolchain', 'dotnet', 'dotnet tool install', movable());
        return other(`dotnet ${sub} needs the sources`);
    },
};

export const nuget: ToolTable = {
    name: 'nuget', commands: ['nuget'], manifests: [], lockFiles: [], configFiles: [],
    read: ({ words }) => words[1] === 'restore' ? heavy('dependencies', 'nuget', 'nuget restore', stuck('nuget restore reads the solution')) : other(`nuget ${words[1] ?? ''}`.trim()),
};
