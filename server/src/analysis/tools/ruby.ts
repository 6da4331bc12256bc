/** Ruby: bundler and gem, and the test runners (rspec, rake test, rails test). */
import type { Step, ToolTable } from './types';
import { HARMLESS, heavy, isLocalPath, movable, needs, other, positionals, stuck } from './words';

function rubyTask(tool: string, task: string, command: string): Step {
    if (/^(test|spec|test:.*|spec:.*)$/.test(task)) return { kind: 'test', tool, command };
    if (/^(assets:precompile|build)$/.test(task)) return { kind: 'build', tool, command };
    return other(`${command} runs a task of the project`);
}

export const bundler: ToolTable = {
    name: 'bundle', commands: ['bundle', 'bundler'],
    manifests: ['Gemfile', '*.gemspec'], lockFiles: ['Gemfile.lock'], configFiles: [],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'config' || sub === '--version' || sub === 'version') return HARMLESS;
        if (sub === '' || sub === 'install' || sub === 'package' || sub === 'cache' || sub.startsWith('-')) {
            const command = sub === '' || sub.startsWith('-') ? 'bundle' : `bundle ${sub}`;
            return heavy('dependencies', 'bundle', command, movable(needs(['Gemfile'], ['Gemfile.lock']), 'assumes the Gemfile names no gemspec or path gems'));
        }
        if (sub === 'exec') {
            const tool = words[2] ?? '';
            if (tool === 'rspec') return { kind: 'test', tool: 'rspec', command: 'bundle exec rspec' };
            if (tool === 'rake' || tool === 'rails') return rubyTask(tool, words[3] ?? '', `bundle exec ${tool} ${words[3] ?? ''}`.trim());
            return other(`bundle exec ${tool} runs the project`);
        }
        return other(`bundle ${sub}`);
    },
};

export const gem: ToolTable = {
    name: 'gem', commands: ['gem'], manifests: [], lockFiles: [], configFiles: ['.gemrc'],
    read({ words }) {
        const sub = words[1] ?? '';
        if (sub === 'install' || sub === 'update') {
            const pkgs = positionals(words.slice(2), ['-v', '--version', '-N', '--source', '-i', '--install-dir']);
            return heavy('toolchain', 'gem', `gem ${sub}`, pkgs.some(isLocalPath) ? stuck('gem installs a local gem') : movable());
        }
        if (sub === 'sources' || sub === 'env' || sub === 'list') return HARMLESS;
        return other(`gem ${sub}`);
    },
};

export const rubyTestRunners: ToolTable = {
    name: 'ruby runner', commands: ['rspec', 'rake', 'rails'], manifests: [], lockFiles: [], configFiles: [],
    read({ words }) {
        if (words[0] === 'rspec') return { kind: 'test', tool: 'rspec', command: 'rspec' };
        return rubyTask(words[0], words[1] ?? '', `${words[0]} ${words[1] ?? ''}`.trim());
    },
};
