/**
 * The managed install: a venv under the extension's global storage with
 * `ssmd-metadata==<this extension's version>` from pip. pip reads the user's own
 * configuration (pip.conf, PIP_INDEX_URL, PIP_FIND_LINKS, ...), so a private index or a
 * wheel folder works without settings of ours.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as vscode from "vscode";
import { managedServer } from "./serverCommand";

export const PACKAGE = "ssmd-metadata";

/** Runs a program, logging its output; rejects with a sentence when it fails. */
function run(program: string, args: string[], log: vscode.LogOutputChannel): Promise<void> {
  log.info(`$ ${program} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 600_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (stdout) log.info(stdout.trimEnd());
      if (stderr) log.warn(stderr.trimEnd());
      if (error) {
        reject(new Error(`\`${program} ${args.join(" ")}\` failed: ${error.message.split("\n")[0]}`));
      } else {
        resolve();
      }
    });
  });
}

/** A Python 3.11+ to create the venv with: python3, then python. */
async function basePython(log: vscode.LogOutputChannel): Promise<string> {
  const check = "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 3)";
  for (const candidate of ["python3", "python"]) {
    try {
      await run(candidate, ["-c", check], log);
      return candidate;
    } catch {
      // next candidate
    }
  }
  throw new Error("no Python 3.11 or newer on PATH (python3 or python) to install ssmd-ls with");
}

/** Installs (or reinstalls) the server; resolves to the `ssmd-ls` it made. */
export async function installServer(
  storage: vscode.Uri,
  version: string,
  log: vscode.LogOutputChannel,
): Promise<string> {
  const venv = path.join(storage.fsPath, "server", "venv");
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const python = await basePython(log);
  await run(python, ["-m", "venv", "--clear", venv], log);
  const venvPython = path.join(venv, "bin", "python");
  await run(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", `${PACKAGE}==${version}`], log);
  const server = managedServer(storage);
  if (!fs.existsSync(server)) {
    throw new Error(`pip installed ${PACKAGE} but ${server} is missing`);
  }
  return server;
}
