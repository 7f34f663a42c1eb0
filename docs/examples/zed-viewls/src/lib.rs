//! Starts the viewls language server for SQL files in Zed.
//!
//! Zed has no setting that adds a language server by command alone: an extension has to
//! register it. This one only says how to start `viewls serve`; installing viewls itself
//! is left to the user (pip), as with any Python tool.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Viewls;

impl zed::Extension for Viewls {
    fn new() -> Self {
        Viewls
    }

    fn language_server_command(
        &mut self,
        language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        // `"lsp": {"viewls": {"binary": {...}}}` in Zed's settings overrides the defaults,
        // e.g. the viewls of a venv that is not on PATH.
        let binary = LspSettings::for_worktree(language_server_id.as_ref(), worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let (path, arguments, extra_env) = match binary {
            Some(binary) => (binary.path, binary.arguments, binary.env),
            None => (None, None, None),
        };

        let command = match path {
            Some(path) => path,
            // `which` searches the PATH of the worktree's shell environment (so direnv and
            // activated venvs count), not only the PATH Zed itself was started with.
            None => worktree.which("viewls").ok_or_else(|| {
                "viewls was not found on PATH: install it (pip install <the viewls wheel>) or \
                 set \"lsp\": {\"viewls\": {\"binary\": {\"path\": \"/path/to/venv/bin/viewls\"}}} \
                 in Zed's settings"
                    .to_string()
            })?,
        };

        let mut env = worktree.shell_env();
        env.extend(extra_env.unwrap_or_default());
        Ok(zed::Command {
            command,
            args: arguments.unwrap_or_else(|| vec!["serve".to_string()]),
            env,
        })
    }
}

zed::register_extension!(Viewls);
