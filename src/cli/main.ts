// The `steward` command. Usage errors (an unknown flag, a bad value) print what was wrong and
// exit with status 2; other failures exit with 1.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig, settings, type Flags, type SettingName } from '../config/config.js';
import { version } from '../version.js';
import { StewardError } from '../core/errors.js';
import { serveCommand } from './serve.js';
import { migrateCommand } from './migrate.js';
import { adminCreateCommand, apiClientCreateCommand } from './admin.js';
import { usersImportCommand } from './users-import.js';

export const EXIT_USAGE = 2;

function addSettings(cmd: Command, names: readonly SettingName[]): Command {
  for (const name of names) {
    const s = settings[name];
    // Values are validated by loadConfig (not commander) so that a bad STEWARD_* variable and a bad
    // flag get the same message, naming whichever was used.
    const help = `${s.description} [env ${s.env}]${'default' in s ? ` (default: ${s.default})` : ''}`;
    cmd.addOption(new Option(`${s.flag} <${s.valueName}>`, help));
  }
  return cmd;
}

function flagsOf(cmd: Command, names: readonly SettingName[]): Flags {
  const opts = cmd.opts<Record<string, string | undefined>>();
  const flags: Flags = {};
  for (const name of names) if (opts[name] !== undefined) flags[name] = opts[name];
  return flags;
}

export function buildProgram(): Command {
  const program = new Command('steward')
    .description('Steward: open-source device management for iOS, iPadOS, macOS, Windows, Android and Linux')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride();

  const serveSettings = Object.keys(settings) as SettingName[];
  addSettings(program.command('serve').description('start Steward (migrates the database first)'), serveSettings)
    .exitOverride()
    .action(async (_opts, cmd: Command) => {
      await serveCommand(loadConfig(flagsOf(cmd, serveSettings), process.env));
    });

  const migrateSettings: SettingName[] = ['dataDir', 'databaseUrl', 'logLevel'];
  addSettings(program.command('migrate').description('bring the database schema up to date and exit'), migrateSettings)
    .exitOverride()
    .action(async (_opts, cmd: Command) => {
      await migrateCommand(loadConfig(flagsOf(cmd, migrateSettings), process.env));
    });
  const dataSettings: SettingName[] = ['dataDir', 'databaseUrl'];
  const admin = program.command('admin').description('manage the people who administer Steward').exitOverride();
  addSettings(admin.command('create').description('create an admin who signs in with a password (and TOTP, set up at first sign-in)'), dataSettings)
    .requiredOption('--email <email>', 'the admin\'s sign-in name (userPrincipalName) and mail')
    .option('--password <password>', 'the admin\'s password (at least 12 characters); visible to other local users in the process list, so prefer --password-stdin')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--role <role>', 'a role definition name or id', 'Intune Administrator')
    .option('--display-name <name>', 'the admin\'s display name (default: the part of the email before @)')
    .exitOverride()
    .action(async (opts: { email: string; password?: string; passwordStdin?: boolean; role: string; displayName?: string }, cmd: Command) => {
      if ((opts.password === undefined) === (opts.passwordStdin !== true)) {
        throw new StewardError('invalid-input', 'give the password with exactly one of --password and --password-stdin', '--password');
      }
      const password = opts.password ?? await firstLineOfStdin();
      const { passwordStdin: _stdin, ...rest } = opts;
      await adminCreateCommand(loadConfig(flagsOf(cmd, dataSettings), process.env), { ...rest, password });
    });

  const apiClient = program.command('api-client').description('manage API clients for automation (OAuth2 client credentials)').exitOverride();
  addSettings(apiClient.command('create').description('create an API client and print its id and secret as JSON (the secret is shown only once)'), dataSettings)
    .requiredOption('--name <name>', 'a name for the client')
    .requiredOption('--role <role>', 'a role definition name or id, e.g. "Read Only Operator"')
    .exitOverride()
    .action(async (opts: { name: string; role: string }, cmd: Command) => {
      await apiClientCreateCommand(loadConfig(flagsOf(cmd, dataSettings), process.env), opts);
    });
  const importSettings: SettingName[] = ['dataDir', 'databaseUrl', 'logLevel'];
  addSettings(program.command('users').description('manage directory users').exitOverride()
    .command('import').description('import users and group memberships from a CSV file (docs/admin-guide.md lists the columns)')
    .argument('<file>', 'the CSV file').option('--atomic', 'import every row or none'), importSettings)
    .exitOverride()
    .action(async (file: string, opts: { atomic?: boolean }, cmd: Command) => {
      process.exitCode = await usersImportCommand(loadConfig(flagsOf(cmd, importSettings), process.env), { file, atomic: opts.atomic === true });
    });
  return program;
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString();
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander; they succeed here.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE; // commander has already printed what was wrong
    }
    if (err instanceof StewardError && err.code === 'invalid-input') {
      process.stderr.write(`steward: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`steward: ${err.message.split('\n').join('\nsteward: ')}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`steward: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

const code = await run(process.argv);
if (code !== 0) process.exitCode = code;
