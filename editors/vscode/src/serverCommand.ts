/**
 * Finding the command that starts `ssmd-ls`, in this order: the explicit setting
 * `ssmd.server.path`; `ssmd-ls` on PATH (pipx, uv tool; also their usual bin folders when
 * the editor was started without the login shell's PATH); the workspace's Python interpreter
 * (the one ms-python selected, then the configured default, then the workspace's `.venv`,
 * then `python3` on PATH) if it has ssmd installed; the extension's managed install.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

/** A program and its arguments, run without a shell. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  /** Where this command came from, for messages ("setting ssmd.server.path", ...). */
  readonly origin: string;
}

export interface Interpreter {
  readonly python: string;
  readonly origin: string;
}

interface PythonEnvironmentsApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(
      environment: { path: string } | string,
    ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

const PYTHON_EXTENSION = "ms-python.python";

/** The ms-python API when that extension is installed (activating it if needed). */
async function pythonApi(): Promise<PythonEnvironmentsApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonEnvironmentsApi>(PYTHON_EXTENSION);
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined;
  }
}

/** Calls `listener` when the user picks another interpreter in ms-python. */
export async function onInterpreterChange(
  listener: () => void,
): Promise<vscode.Disposable | undefined> {
  const api = await pythonApi();
  const event = api?.environments?.onDidChangeActiveEnvironmentPath;
  return event ? event(() => listener()) : undefined;
}

async function selectedInterpreter(folder: vscode.WorkspaceFolder | undefined): Promise<string | undefined> {
  const environments = (await pythonApi())?.environments;
  if (!environments) {
    return undefined;
  }
  try {
    const active = environments.getActiveEnvironmentPath(folder?.uri);
    if (!active?.path) {
      return undefined;
    }
    const resolved = await environments.resolveEnvironment?.(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

function expandVariables(value: string, folder: vscode.WorkspaceFolder | undefined): string {
  const root = folder?.uri.fsPath ?? "";
  return value
    .replace(/\$\{workspaceFolder\}/g, root)
    .replace(/\$\{workspaceRoot\}/g, root)
    .replace(/^~(?=\/|$)/, process.env.HOME ?? "~");
}

/** Every interpreter worth trying, best first, without repeats. */
export async function candidateInterpreters(
  folder: vscode.WorkspaceFolder | undefined,
): Promise<Interpreter[]> {
  const found: Interpreter[] = [];
  const add = (python: string | undefined, origin: string): void => {
    if (python && !found.some((known) => known.python === python)) {
      found.push({ python, origin });
    }
  };
  add(await selectedInterpreter(folder), "the interpreter selected in the Python extension");
  const configured = vscode.workspace
    .getConfiguration("python", folder?.uri)
    .get<string>("defaultInterpreterPath");
  if (configured && configured !== "python") {
    add(expandVariables(configured, folder), "setting python.defaultInterpreterPath");
  }
  if (folder) {
    for (const venv of [".venv", "venv"]) {
      const python = path.join(folder.uri.fsPath, venv, "bin", "python");
      if (fs.existsSync(python)) {
        add(python, `the workspace's ${venv}`);
      }
    }
  }
  add("python3", "python3 on PATH");
  return found;
}

/** Runs `python -c` and resolves to true when it exits 0 within the time limit. */
function pythonSucceeds(python: string, code: string, cwd: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ["-c", code], { cwd, timeout: 20_000 }, (error) => resolve(!error));
  });
}

const HAS_MODULE = (module: string): string =>
  `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(module)}) else 3)`;

/** The first candidate interpreter that can import `module`. */
export async function interpreterWith(
  module: string,
  folder: vscode.WorkspaceFolder | undefined,
): Promise<{ found?: Interpreter; tried: Interpreter[] }> {
  const tried = await candidateInterpreters(folder);
  for (const candidate of tried) {
    if (await pythonSucceeds(candidate.python, HAS_MODULE(module), folder?.uri.fsPath)) {
      return { found: candidate, tried };
    }
  }
  return { tried };
}

/** The configured `ssmd.server.path`, accepting a single string as well as a list. */
export function configuredServerPath(folder: vscode.WorkspaceFolder | undefined): string[] {
  const value: unknown = vscode.workspace.getConfiguration("ssmd", folder?.uri).get("server.path");
  const parts = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  return parts
    .filter((part): part is string => typeof part === "string" && part.trim() !== "")
    .map((part) => expandVariables(part, folder));
}

/** Raised when no way to start the server was found; the message says what was tried. */
export class ServerNotFound extends Error {}

const SERVER_PROGRAM = "ssmd-ls";

/** `ssmd-ls` in a PATH folder, or in the bin folders pipx and uv tool use by default. */
export function serverOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const folders = (env.PATH ?? "").split(path.delimiter).filter((folder) => folder !== "");
  const home = env.HOME ?? "";
  if (home) {
    folders.push(path.join(home, ".local", "bin")); // pipx and uv tool default
  }
  for (const folder of folders) {
    const candidate = path.join(folder, SERVER_PROGRAM);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) {
        return candidate;
      }
    } catch {
      // not there, or not executable: next folder
    }
  }
  return undefined;
}

/** The `ssmd-ls` of the managed install (a venv in the extension's global storage). */
export function managedServer(storage: vscode.Uri): string {
  return path.join(storage.fsPath, "server", "venv", "bin", SERVER_PROGRAM);
}

export async function resolveServerCommand(
  folder: vscode.WorkspaceFolder | undefined,
  storage?: vscode.Uri,
): Promise<Command> {
  const explicit = configuredServerPath(folder);
  if (explicit.length > 0) {
    const [command, ...args] = explicit;
    if (path.isAbsolute(command) && !fs.existsSync(command)) {
      throw new ServerNotFound(
        `The setting ssmd.server.path names ${command}, which does not exist. ` +
          "Correct the path, or clear the setting to use the workspace's Python interpreter.",
      );
    }
    return { command, args, origin: "setting ssmd.server.path" };
  }
  const onPath = serverOnPath();
  if (onPath) {
    return { command: onPath, args: [], origin: "ssmd-ls on PATH" };
  }
  const { found, tried } = await interpreterWith("ssmd_ls", folder);
  if (found) {
    return { command: found.python, args: ["-m", "ssmd_ls"], origin: found.origin };
  }
  const managed = storage ? managedServer(storage) : undefined;
  if (managed && fs.existsSync(managed)) {
    return { command: managed, args: [], origin: "the extension's managed install" };
  }
  const list = tried.map((candidate) => `${candidate.python} (${candidate.origin})`).join(", ");
  throw new ServerNotFound(
    `The ssmd language server is not installed: no ssmd-ls on PATH, and none of these Python ` +
      `interpreters has it: ${list}. Install it here (a private environment for this ` +
      "extension), or run `pipx install ssmd-metadata`, or set ssmd.server.path.",
  );
}
