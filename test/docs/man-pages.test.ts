/**
 * Keeps the manual pages in step with the programs: every command path and
 * every option that `--help` shows must be documented in man/hotdesk.1 (one
 * `.SS` section per command, one `.TP` item per option), the daemon's options
 * in man/hotdeskd.8, and every member of the store format in
 * man/hotdesk.json.5. Options documented but no longer in the program fail too.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Command, Option } from 'commander';
import { z } from 'zod';
import { buildProgram } from '../../src/cli/program.js';
import { daemonProgram } from '../../src/daemon/config.js';
import { STORE_VERSION, storeSchema } from '../../src/store/schema.js';
import type { Io } from '../../src/cli/output.js';

const manPage = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../man/${name}`, import.meta.url)), 'utf8');

// ---- a small roff reader: enough of man(7) for the pages in man/ ----

/** Macros whose arguments are printed without spaces between them (alternating fonts). */
const JOINED = new Set(['BI', 'BR', 'IB', 'IR', 'RB', 'RI']);

function unescape(text: string): string {
  return text
    .replace(/\\f(\[[^\]]*\]|.)/g, '')
    .replace(/\\\((..)/g, (_, name: string) => ({ em: '—', en: '–', lq: '"', rq: '"' })[name] ?? '')
    .replace(/\\-/g, '-')
    .replace(/\\&/g, '')
    .replace(/\\e/g, '\\');
}

/** One roff source line as printed text, and the macro it starts with. */
function readLine(line: string): { macro: string | undefined; text: string } {
  if (line.startsWith('.\\"')) return { macro: '\\"', text: '' };
  const match = /^[.'](\S+)\s*(.*)$/.exec(line);
  if (!match) return { macro: undefined, text: unescape(line) };
  const macro = match[1] ?? '';
  const args = [...(match[2] ?? '').matchAll(/"([^"]*)"|(\S+)/g)].map((arg) => arg[1] ?? arg[2] ?? '');
  return { macro, text: unescape(args.join(JOINED.has(macro) ? '' : ' ')) };
}

interface Section {
  /** `.SH` heading this text is under. */
  chapter: string;
  /** `.SS` heading, or '' for text directly under the `.SH`. */
  heading: string;
  lines: string[];
  /** The tag line of each `.TP` item. */
  items: string[];
}

function readSections(source: string): Section[] {
  const sections: Section[] = [];
  let current: Section = { chapter: '', heading: '', lines: [], items: [] };
  let tagNext = false;
  for (const raw of source.split('\n')) {
    const { macro, text } = readLine(raw);
    if (macro === 'SH' || macro === 'SS') {
      sections.push(current);
      current = {
        chapter: macro === 'SH' ? text : current.chapter,
        heading: macro === 'SS' ? text : '',
        lines: [],
        items: [],
      };
      continue;
    }
    if (macro === 'TP') {
      tagNext = true;
      continue;
    }
    if (text === '') continue;
    if (tagNext) current.items.push(text);
    tagNext = false;
    current.lines.push(text);
  }
  sections.push(current);
  return sections;
}

const mentions = (text: string, word: string): boolean =>
  new RegExp(`(?<![\\w-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(text);

/** Option flags (`-V`, `--data`) at the start of an item tag such as `-V, --version` or `--data dir`. */
const itemFlags = (item: string): string[] => item.match(/(?<![\w-])--?[A-Za-z][\w-]*/g) ?? [];

const flagsOf = (option: Option): string[] =>
  [option.short, option.long].filter((flag): flag is string => Boolean(flag));

// ---- checks: each returns a list of problems, empty when the page is in step ----

function visibleSubcommands(command: Command): Command[] {
  // The implicit `help` command is not in `command.commands`; it is covered by --help.
  return command
    .createHelp()
    .visibleCommands(command)
    .filter((sub) => command.commands.includes(sub));
}

function commandPaths(command: Command, prefix: string[] = []): { path: string; command: Command }[] {
  return visibleSubcommands(command).flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [{ path: path.join(' '), command: sub }, ...commandPaths(sub, path)];
  });
}

/** The options a page must document for one command (the help option is documented once, globally). */
function documentedOptions(command: Command, withHelp: boolean): Option[] {
  return command
    .createHelp()
    .visibleOptions(command)
    .filter((option) => withHelp || option.long !== '--help');
}

/**
 * Options listed in `section`: every flag must be an item, every item flag must
 * be a flag (or one of `alsoAllowed`).
 */
function checkOptions(
  where: string,
  section: Section | undefined,
  options: Option[],
  alsoAllowed: string[] = [],
): string[] {
  if (!section) return [`${where}: no section`];
  const problems: string[] = [];
  const itemFlagSet = new Set(section.items.flatMap(itemFlags));
  const known = new Set([...options.flatMap(flagsOf), ...alsoAllowed]);
  for (const flag of options.flatMap(flagsOf)) {
    if (!itemFlagSet.has(flag)) problems.push(`${where}: option ${flag} is not documented (.TP item)`);
  }
  for (const flag of itemFlagSet) {
    if (!known.has(flag)) problems.push(`${where}: documents ${flag}, which the program does not have`);
  }
  return problems;
}

/** Environment variables named in option help (`env HOTDESK_DATA`) must be in ENVIRONMENT. */
function checkEnvironment(where: string, sections: Section[], commands: Command[]): string[] {
  const environment = sections
    .filter((section) => section.chapter === 'ENVIRONMENT')
    .flatMap((section) => section.items);
  const named = commands.flatMap((command) =>
    command.options.flatMap((option) => option.description.match(/\bHOTDESK_[A-Z_]+\b/g) ?? []),
  );
  return [...new Set(named)]
    .filter((variable) => !environment.some((item) => mentions(item, variable)))
    .map((variable) => `${where}: ENVIRONMENT does not list ${variable}`);
}

function checkCliPage(program: Command, source: string): string[] {
  const sections = readSections(source);
  const problems: string[] = [];
  const options = sections.find((section) => section.chapter === 'OPTIONS' && section.heading === '');
  const paths = commandPaths(program);
  // OPTIONS may also describe an option many commands share (--json), as long as some command has it.
  const anyCommandFlags = paths.flatMap(({ command }) => command.options.flatMap(flagsOf));
  problems.push(...checkOptions('OPTIONS', options, documentedOptions(program, true), anyCommandFlags));
  const commandSections = sections.filter((section) => section.chapter === 'COMMANDS' && section.heading !== '');
  for (const { path, command } of paths) {
    const section = commandSections.find((candidate) => candidate.heading === path);
    if (!section) {
      problems.push(`command "${path}" has no .SS section under COMMANDS`);
      continue;
    }
    problems.push(...checkOptions(`command "${path}"`, section, documentedOptions(command, false)));
    const text = section.lines.join('\n');
    for (const argument of command.registeredArguments) {
      if (!mentions(text, argument.name()))
        problems.push(`command "${path}": argument ${argument.name()} is not mentioned`);
    }
  }
  for (const section of commandSections) {
    if (!paths.some(({ path }) => path === section.heading))
      problems.push(`section "${section.heading}" names no command`);
  }
  problems.push(...checkEnvironment('hotdesk.1', sections, [program, ...paths.map(({ command }) => command)]));
  return problems;
}

function checkDaemonPage(program: Command, source: string): string[] {
  const sections = readSections(source);
  const options = sections.find((section) => section.chapter === 'OPTIONS' && section.heading === '');
  return [
    ...checkOptions('OPTIONS', options, documentedOptions(program, true)),
    ...checkEnvironment('hotdeskd.8', sections, [program]),
  ];
}

/** Every member name of the store schema, at any depth. */
function memberNames(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([name, member]) => [
      name,
      ...memberNames(member),
    ]);
  }
  if (schema instanceof z.ZodArray) return memberNames(schema.element as z.ZodType);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable)
    return memberNames(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodDiscriminatedUnion || schema instanceof z.ZodUnion) {
    return (schema.options as z.ZodType[]).flatMap(memberNames);
  }
  return [];
}

function checkStorePage(source: string): string[] {
  const sections = readSections(source);
  const format = sections
    .filter((section) => section.chapter === 'FORMAT')
    .flatMap((section) => section.lines)
    .join('\n');
  const problems = [...new Set(memberNames(storeSchema))]
    .filter((name) => !mentions(format, name))
    .map((name) => `FORMAT does not describe the member ${name}`);
  if (!/currently\s+(\d+)/.test(format) || /currently\s+(\d+)/.exec(format)?.[1] !== String(STORE_VERSION)) {
    problems.push(`FORMAT must say the version is currently ${STORE_VERSION}`);
  }
  return problems;
}

// ---- the tests ----

const fakeIo = (): Io => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {} });
const cli = (): Command => buildProgram(fakeIo(), '0.0.0-test', () => []);

t.test('man/hotdesk.1 documents every command and option of hotdesk', async (t) => {
  const problems = checkCliPage(cli(), manPage('hotdesk.1'));
  t.same(problems, [], problems.join('\n'));
  t.ok(commandPaths(cli()).length >= 20, 'the command tree was walked');
});

t.test('man/hotdeskd.8 documents every option of hotdeskd', async (t) => {
  const problems = checkDaemonPage(daemonProgram('0.0.0-test'), manPage('hotdeskd.8'));
  t.same(problems, [], problems.join('\n'));
});

t.test('man/hotdesk.json.5 describes every member of the store', async (t) => {
  const problems = checkStorePage(manPage('hotdesk.json.5'));
  t.same(problems, [], problems.join('\n'));
});

t.test('the pages speak of the environment and files the programs use', async (t) => {
  const cliPage = readSections(manPage('hotdesk.1'));
  const daemonPage = readSections(manPage('hotdeskd.8'));
  const items = (sections: Section[], chapter: string): string =>
    sections
      .filter((section) => section.chapter === chapter)
      .flatMap((section) => section.items)
      .join('\n');
  for (const variable of ['HOTDESK_DATA', 'NO_COLOR'])
    t.ok(mentions(items(cliPage, 'ENVIRONMENT'), variable), `hotdesk.1 ${variable}`);
  for (const variable of ['HOTDESK_DATA', 'HOTDESK_LOG_LEVEL'])
    t.ok(mentions(items(daemonPage, 'ENVIRONMENT'), variable), `hotdeskd.8 ${variable}`);
  for (const file of [
    'data/hotdesk.json',
    'data/hotdeskd.lock',
    'data/hotdeskd.sock',
    'data/templates/',
    'templates/<vendor>/models.json',
  ]) {
    t.ok(items(cliPage, 'FILES').includes(file), `hotdesk.1 FILES ${file}`);
    t.ok(items(daemonPage, 'FILES').includes(file), `hotdeskd.8 FILES ${file}`);
  }
  for (const status of ['0', '1', '2'])
    t.ok(items(cliPage, 'EXIT STATUS').split('\n').includes(status), `hotdesk.1 exit status ${status}`);
});

// The checks must notice a page that falls behind: remove things and expect complaints.
t.test('the checks catch a missing command, option or member', async (t) => {
  const complains = (problems: string[], pattern: RegExp, what: string): void => {
    t.ok(
      problems.some((problem) => pattern.test(problem)),
      what,
      { problems },
    );
  };
  const cliSource = manPage('hotdesk.1');
  const withoutSection = cliSource.replace(/^\.SS "extension add"$[\s\S]*?(?=^\.SS )/m, '');
  t.not(withoutSection, cliSource);
  complains(
    checkCliPage(cli(), withoutSection),
    /command "extension add" has no \.SS section/,
    'a command without its section',
  );

  const withoutOption = cliSource.replace(/^\.TP\n\.BI \\-\\-sbc .*\n/m, '');
  t.not(withoutOption, cliSource);
  complains(
    checkCliPage(cli(), withoutOption),
    /command "add-phone": option --sbc is not documented/,
    'an option without its item',
  );

  const withStale = cliSource.replace(/^\.SS phones$/m, '.SS phones\n.TP\n.B \\-\\-verbose\nGone.');
  complains(checkCliPage(cli(), withStale), /command "phones": documents --verbose/, 'an item without its option');

  const withoutGlobal = cliSource.replace(/^\.TP\n\.BI \\-\\-data .*\n/m, '');
  complains(
    checkCliPage(cli(), withoutGlobal),
    /OPTIONS: option --data is not documented/,
    'a global option without its item',
  );

  const daemonSource = manPage('hotdeskd.8');
  const withoutLevel = daemonSource.replace(/^\.TP\n\.BI \\-\\-log\\-level .*\n/m, '');
  t.not(withoutLevel, daemonSource);
  complains(
    checkDaemonPage(daemonProgram('0.0.0-test'), withoutLevel),
    /option --log-level is not documented/,
    'a daemon option without its item',
  );

  const storeSource = manPage('hotdesk.json.5');
  const withoutMember = storeSource.replace(/^\.B nextPhoneNumber$/m, '.B counter');
  t.not(withoutMember, storeSource);
  complains(checkStorePage(withoutMember), /member nextPhoneNumber/, 'a store member left out');
});
