/**
 * Maven and Gradle. Resolving the dependencies ahead (`mvn dependency:go-offline`) reads the pom;
 * the build goals (`package`, `build`) need the sources and resolve dependencies as they go.
 */
import type { ToolTable } from './types';
import { flagValues, heavy, isOutside, movable, needs, normalizeRel, other, positionals, stuck, upTo } from './words';

const MVN_VALUE_FLAGS = ['-f', '--file', '-s', '--settings', '-gs', '--global-settings', '-P', '-pl', '--projects', '-T', '-D', '-rf'];
const OFFLINE = /^dependency:(go-offline|resolve|resolve-plugins|copy-dependencies)$|:go-offline(-maven-plugin)?(:[\w.-]+)*$/;

export const mvn: ToolTable = {
    name: 'mvn', commands: ['mvn', 'mvnw'],
    manifests: ['pom.xml', '.mvn', 'mvnw'], lockFiles: [], configFiles: ['settings.xml'],
    read({ words }) {
        const args = words.slice(1);
        const goals = positionals(args, MVN_VALUE_FLAGS).filter((g) => !g.includes('='));
        const wrapper = /(^|\/)mvnw$/.test(words[0]);
        const last = Math.max(...goals.map((g) => words.indexOf(g)), 0);
        const command = upTo(words, last);
        if (goals.length > 0 && goals.every((g) => OFFLINE.test(g))) {
            if (flagValues(args, ['-f', '--file']).length > 0) return heavy('dependencies', 'mvn', command, stuck('mvn -f names another pom'));
            const settings = flagValues(args, ['-s', '--settings']);
            if (settings.some(isOutside)) return heavy('dependencies', 'mvn', command, stuck('mvn reads settings outside the sources'));
            const required = ['pom.xml', ...settings.map(normalizeRel), ...(wrapper ? ['mvnw', '.mvn/'] : [])];
            return heavy('dependencies', 'mvn', command, movable(needs(required), 'assumes a single-module pom and no .mvn/ settings the resolve needs'));
        }
        if (goals.includes('test') || goals.includes('verify')) return { kind: 'test', tool: 'mvn', command };
        if (goals.some((g) => /^(package|install|compile|deploy)$/.test(g))) return heavy('dependencies', 'mvn', command, stuck(`mvn ${goals.join(' ')} needs the sources`));
        return other(`mvn ${goals.join(' ')} needs the sources`);
    },
};

export const gradle: ToolTable = {
    name: 'gradle', commands: ['gradle', 'gradlew'],
    manifests: ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradle', 'gradlew'],
    lockFiles: ['gradle.lockfile'], configFiles: ['gradle.properties'],
    read({ words }) {
        const tasks = positionals(words.slice(1), ['-p', '--project-dir', '-x', '--exclude-task', '-D', '-P']);
        const last = Math.max(...tasks.map((t) => words.indexOf(t)), 0);
        const command = upTo(words, last);
        if (tasks.some((t) => /^(test|check)$/.test(t))) return { kind: 'test', tool: 'gradle', command };
        if (tasks.some((t) => /^(dependencies|resolveDependencies|downloadDependencies|build|assemble)$/.test(t))) {
            return heavy('dependencies', 'gradle', command, stuck('gradle reads every project\'s build file and the sources'));
        }
        if (tasks.some((t) => /^(installDist|jar|bootJar|shadowJar|distTar|distZip)$/.test(t))) return { kind: 'build', tool: 'gradle', command };
        return other(`gradle ${tasks.join(' ')} needs the sources`);
    },
};
