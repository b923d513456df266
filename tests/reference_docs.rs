//! The command reference (docs/reference/commands/*.md) and the man pages (man/ecsnet*.1) are generated from the
//! clap definitions, so they cannot drift from the binary: this test fails when the committed copies differ from
//! what the definitions generate, and `ECSNET_UPDATE_DOCS=1 cargo test --test reference_docs` rewrites them.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use ecsnet::cli::Cli;

const UPDATE: &str = "ECSNET_UPDATE_DOCS=1 cargo test --test reference_docs";

/// The command tree as the docs show it: environment values never shown (they would make the pages depend on the
/// shell that generated them), built so that subcommands carry their full names (`ecsnet plan`).
fn command() -> clap::Command {
    fn hide_env_values(command: clap::Command) -> clap::Command {
        command.mut_args(|arg| arg.hide_env_values(true)).mut_subcommands(hide_env_values)
    }
    let mut command = hide_env_values(Cli::command());
    command.build();
    command
}

/// One command: its file stem (`ecsnet-iam-policy`), its title (`ecsnet iam-policy`), its subcommands' stems and
/// titles.
struct Page {
    stem: String,
    title: String,
    command: clap::Command,
    subcommands: Vec<(String, String)>,
}

fn pages(command: &clap::Command, stem: &str, title: &str, out: &mut Vec<Page>) {
    let subs: Vec<_> = command.get_subcommands().filter(|sub| sub.get_name() != "help").collect();
    let names = |sub: &&clap::Command| (format!("{stem}-{}", sub.get_name()), format!("{title} {}", sub.get_name()));
    out.push(Page {
        stem: stem.into(),
        title: title.into(),
        command: command.clone(),
        subcommands: subs.iter().map(names).collect(),
    });
    for sub in &subs {
        let (sub_stem, sub_title) = names(sub);
        pages(sub, &sub_stem, &sub_title, out);
    }
}

fn markdown(title: &str, command: &mut clap::Command, subcommands: &[(String, String)]) -> String {
    let mut page = format!(
        "<!-- Generated from the clap definitions (src/cli.rs) by tests/reference_docs.rs; do not edit: run `{UPDATE}`. -->\n\n# `{title}`\n\n"
    );
    let help = command.render_long_help().to_string();
    let help: Vec<_> = help.trim_end().lines().map(str::trim_end).collect();
    page.push_str(&format!("```text\n{}\n```\n", help.join("\n")));
    if !subcommands.is_empty() {
        page.push_str("\nCommands: ");
        let links: Vec<_> = subcommands.iter().map(|(stem, title)| format!("[`{title}`]({stem}.md)")).collect();
        page.push_str(&links.join(", "));
        page.push_str(". Man pages: [`man/`](../../../man/).\n");
    }
    page
}

fn man_page(command: clap::Command) -> String {
    let mut out = Vec::new();
    clap_mangen::Man::new(command).render(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every generated file: its path under the repository and its content.
fn generated() -> Vec<(PathBuf, String)> {
    let mut all = Vec::new();
    pages(&command(), "ecsnet", "ecsnet", &mut all);
    let mut files = Vec::new();
    for Page { stem, title, mut command, subcommands } in all {
        let page = markdown(&title, &mut command, &subcommands);
        files.push((PathBuf::from(format!("docs/reference/commands/{stem}.md")), page));
        files.push((PathBuf::from(format!("man/{stem}.1")), man_page(command)));
    }
    files
}

#[test]
fn the_command_reference_and_man_pages_match_the_clap_definitions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = generated();
    if std::env::var_os("ECSNET_UPDATE_DOCS").is_some() {
        for folder in ["docs/reference/commands", "man"] {
            let _ = std::fs::remove_dir_all(root.join(folder));
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for (path, content) in &files {
            std::fs::write(root.join(path), content).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (path, content) in &files {
        if std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(content.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    for folder in ["docs/reference/commands", "man"] {
        for entry in std::fs::read_dir(root.join(folder)).into_iter().flatten() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if !files.iter().any(|(generated, _)| *generated == relative) {
                stale.push(format!("{} (no such command any more)", relative.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "the command reference differs from the clap definitions in src/cli.rs: {}\nhint: run `{UPDATE}` and commit the result",
        stale.join(", ")
    );
}
