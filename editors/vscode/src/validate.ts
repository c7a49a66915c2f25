/**
 * "SSMD: Validate Workspace": the CLI's own `ssmd validate`, so the result is exactly what
 * CI will say, shown in an output channel.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { configuredServerPath, interpreterWith } from "./serverCommand";

interface CliCommand {
  command: string;
  args: string[];
}

/** The CLI next to an explicitly configured `ssmd-ls`, else `python -m ssmd` of the workspace. */
async function cliCommand(folder: vscode.WorkspaceFolder): Promise<CliCommand | undefined> {
  const explicit = configuredServerPath(folder);
  if (explicit.length === 1 && path.basename(explicit[0]) === "ssmd-ls") {
    const sibling = path.join(path.dirname(explicit[0]), "ssmd");
    if (fs.existsSync(sibling)) {
      return { command: sibling, args: [] };
    }
  }
  if (explicit.length >= 3 && explicit[1] === "-m" && explicit[2] === "ssmd_ls") {
    return { command: explicit[0], args: ["-m", "ssmd"] };
  }
  const { found } = await interpreterWith("ssmd", folder);
  return found ? { command: found.python, args: ["-m", "ssmd"] } : undefined;
}

/** Folders that hold an `exchanges/` registry; the first workspace folder when none does. */
function registryFolders(): vscode.WorkspaceFolder[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const registries = folders.filter((folder) =>
    fs.existsSync(path.join(folder.uri.fsPath, "exchanges")),
  );
  return registries.length > 0 ? registries : folders.slice(0, 1);
}

export async function validateWorkspace(channel: vscode.OutputChannel): Promise<void> {
  const folders = registryFolders();
  if (folders.length === 0) {
    void vscode.window.showWarningMessage(
      "SSMD: open the folder that holds exchanges/ to validate it.",
    );
    return;
  }
  channel.clear();
  channel.show(true);
  let failed = false;
  for (const folder of folders) {
    const cli = await cliCommand(folder);
    if (!cli) {
      channel.appendLine(
        `Cannot validate ${folder.uri.fsPath}: no Python interpreter with ssmd installed was found. ` +
          "Select the interpreter of the environment where ssmd is installed, or set ssmd.server.path.",
      );
      failed = true;
      continue;
    }
    const asOf = vscode.workspace.getConfiguration("ssmd", folder.uri).get<string>("asOf", "").trim();
    const args = [...cli.args, "--root", folder.uri.fsPath, "validate"];
    if (asOf !== "") {
      args.push("--as-of", asOf);
    }
    channel.appendLine(`$ ${[cli.command, ...args].join(" ")}`);
    const exitCode = await new Promise<number>((resolve) => {
      execFile(
        cli.command,
        args,
        { cwd: folder.uri.fsPath, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          channel.append(stdout);
          if (stderr) {
            channel.append(stderr);
          }
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          resolve(code);
        },
      );
    });
    channel.appendLine(`(exit code ${exitCode})`);
    failed ||= exitCode !== 0;
  }
  if (failed) {
    void vscode.window.showErrorMessage("SSMD: validation found problems; see the SSMD output.");
  } else {
    void vscode.window.showInformationMessage("SSMD: all validations passed.");
  }
}
