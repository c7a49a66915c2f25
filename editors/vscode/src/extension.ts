/**
 * The ssmd extension: starts `ssmd-ls` for the exchanges/ registry and adds the commands
 * and the as-of status bar item. All checking happens in the server; this file only wires.
 */
import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { asOfLabel, asOfProblem, todayUtc } from "./asOf";
import { installServer, PACKAGE } from "./install";
import { onInterpreterChange, resolveServerCommand, ServerNotFound } from "./serverCommand";
import { validateWorkspace } from "./validate";

const CLIENT_ID = "ssmd";
const CLIENT_NAME = "SSMD Language Server";

/**
 * Only the registry's YAML (other YAML in the workspace is left to other tools) and
 * Cap'n Proto files, whatever language id another extension gave them.
 */
export const DOCUMENT_SELECTOR = [
  { scheme: "file", pattern: "**/exchanges/**/*.yaml" },
  { scheme: "file", pattern: "**/*.capnp" },
  { scheme: "file", pattern: "**/ssmd.yaml" },
  { scheme: "untitled", language: "capnp" },
];

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let outputChannel: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
/** The install offer is shown once per session (a restart that fails again stays quiet). */
let installOffered = false;

function primaryFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/** The settings the server reads at start (it pulls them again on every change). */
function serverSettings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("ssmd", primaryFolder()?.uri);
  return {
    asOf: config.get<string>("asOf", ""),
    suppressed: config.get<string>("suppressed", "hint"),
    trace: { server: config.get<string>("trace.server", "off") },
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  let server;
  try {
    server = await resolveServerCommand(primaryFolder(), context.globalStorageUri);
  } catch (error) {
    const message = error instanceof ServerNotFound ? error.message : String(error);
    outputChannel.appendLine(message);
    if (error instanceof ServerNotFound) {
      void offerInstall(context, message);
    } else {
      void showSetupHelp(context, message);
    }
    return;
  }
  outputChannel.appendLine(`Starting ${server.command} ${server.args.join(" ")} (from ${server.origin})`);
  const serverOptions: ServerOptions = {
    command: server.command,
    args: [...server.args],
    transport: TransportKind.stdio,
    options: { cwd: primaryFolder()?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // The server compares extensionVersion with its own and says so when they differ.
    initializationOptions: { settings: serverSettings(), extensionVersion: extensionVersion(context) },
    synchronize: { configurationSection: "ssmd" },
  };
  const created = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  try {
    await created.start();
    client = created;
  } catch (error) {
    const message =
      `The ssmd language server (${server.command} ${server.args.join(" ")}, from ${server.origin}) ` +
      `failed to start: ${error instanceof Error ? error.message : String(error)}. ` +
      "The SSMD output channel has its error output.";
    outputChannel.appendLine(message);
    void showSetupHelp(context, message);
    await created.dispose().catch(() => undefined);
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch(() => undefined);
    await running.dispose().catch(() => undefined);
  }
}

/** Restarts are serialised: a second request waits for the first instead of racing it. */
function restart(context: vscode.ExtensionContext): Promise<void> {
  const previous = starting ?? Promise.resolve();
  starting = previous.then(async () => {
    await stopClient();
    await startClient(context);
  });
  return starting;
}

function extensionVersion(context: vscode.ExtensionContext): string {
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  return typeof version === "string" ? version : "";
}

/** One notification: Install (a venv of our own with the matching ssmd-metadata) or settings. */
async function offerInstall(context: vscode.ExtensionContext, message: string): Promise<void> {
  if (installOffered) {
    return;
  }
  installOffered = true;
  const install = "Install";
  const openSettings = "Open Settings";
  const choice = await vscode.window.showWarningMessage(message, install, openSettings);
  if (choice === openSettings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "ssmd.server.path");
    return;
  }
  if (choice !== install) {
    return;
  }
  const version = extensionVersion(context);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Installing ${PACKAGE} ${version}...` },
      () => installServer(context.globalStorageUri, version, outputChannel),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    outputChannel.error(`Installing ${PACKAGE} ${version} failed: ${reason}`);
    const showLog = "Show Log";
    const answer = await vscode.window.showErrorMessage(
      `Installing the ssmd language server (${PACKAGE} ${version}) failed: ${reason}. ` +
        "The log has pip's output; pip's own configuration (pip.conf, PIP_INDEX_URL) chooses the index.",
      showLog,
    );
    if (answer === showLog) {
      outputChannel.show();
    }
    return;
  }
  outputChannel.info(`Installed ${PACKAGE} ${version}; starting it`);
  await restart(context);
}

async function showSetupHelp(context: vscode.ExtensionContext, message: string): Promise<void> {
  const openGuide = "Open Setup Guide";
  const openSettings = "Open Settings";
  const choice = await vscode.window.showErrorMessage(message, openGuide, openSettings);
  if (choice === openGuide) {
    const readme = vscode.Uri.joinPath(context.extensionUri, "README.md");
    await vscode.commands.executeCommand("markdown.showPreview", readme);
  } else if (choice === openSettings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "ssmd.server.path");
  }
}

async function setAsOf(): Promise<void> {
  const config = vscode.workspace.getConfiguration("ssmd", primaryFolder()?.uri);
  const value = await vscode.window.showInputBox({
    title: "SSMD: Set As-Of Date",
    prompt: "Resolve feed and schema versions as of this date (YYYY-MM-DD). Leave empty for today (UTC).",
    placeHolder: todayUtc(),
    value: config.get<string>("asOf", ""),
    validateInput: (text) => asOfProblem(text),
  });
  if (value === undefined) {
    return;
  }
  const target = vscode.workspace.workspaceFolders
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update("asOf", value.trim(), target);
}

function refreshStatus(): void {
  const setting = vscode.workspace.getConfiguration("ssmd", primaryFolder()?.uri).get<string>("asOf", "");
  statusItem.text = `$(calendar) ${asOfLabel(setting)}`;
  statusItem.tooltip =
    asOfProblem(setting) === undefined
      ? "Feed and schema versions are resolved as of this date. Click to change it."
      : `The setting ssmd.asOf is not a date (${setting}); today is used. Click to change it.`;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel("SSMD", { log: true });
  const validationChannel = vscode.window.createOutputChannel("SSMD Validate");
  statusItem = vscode.window.createStatusBarItem("ssmd.asOf", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "SSMD As-Of Date";
  statusItem.command = "ssmd.setAsOfDate";
  refreshStatus();
  statusItem.show();

  context.subscriptions.push(
    outputChannel,
    validationChannel,
    statusItem,
    vscode.commands.registerCommand("ssmd.restart", () => restart(context)),
    vscode.commands.registerCommand("ssmd.setAsOfDate", setAsOf),
    vscode.commands.registerCommand("ssmd.validateWorkspace", () =>
      validateWorkspace(validationChannel),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("ssmd.asOf")) {
        refreshStatus();
      }
      if (event.affectsConfiguration("ssmd.server.path")) {
        void restart(context);
      }
    }),
    { dispose: () => void stopClient() },
  );
  const interpreterWatch = await onInterpreterChange(() => void restart(context));
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  // Activation does not wait for the server: commands and the status bar work at once.
  void restart(context);
}

export async function deactivate(): Promise<void> {
  await starting?.catch(() => undefined);
  await stopClient();
}
