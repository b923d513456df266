//! The docs' topology examples are files `ecsnet plan` accepts. A fenced block marked ```` ```toml topology ```` is a
//! complete topology file: it must parse and validate with the crate's own loader (no AWS call). A TOML block that
//! is only part of a file is marked ```` ```toml fragment ````; an unmarked ```` ```toml ```` block is an error, so
//! no example escapes the check by accident.

use std::path::{Path, PathBuf};

/// Every Markdown file of the docs: README.md, CONTRIBUTING.md, docs/ and the notes beside localstack's scripts.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut folders = vec![root.join("docs"), root.join("localstack")];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "md") {
                files.push(path);
            }
        }
    }
    files.retain(|path| path.exists());
    files.sort();
    files
}

/// One fenced TOML block: the line of its opening fence, its info string after `toml`, and its text.
struct TomlBlock {
    line: usize,
    kind: String,
    text: String,
}

fn toml_blocks(markdown: &str) -> Vec<TomlBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<TomlBlock> = None;
    let mut in_other_fence = false;
    for (index, line) in markdown.lines().enumerate() {
        // As in CommonMark, a closing fence has no info string: "```toml" inside a text block is text.
        let closing = line.trim().len() >= 3 && line.trim().chars().all(|c| c == '`');
        let fence = line.trim_start().starts_with("```");
        match (&mut open, fence) {
            (Some(_), true) if closing => blocks.push(open.take().unwrap()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, true) if in_other_fence => in_other_fence = !closing,
            (None, true) => match line.trim_start().trim_start_matches('`').strip_prefix("toml") {
                Some(kind) => open = Some(TomlBlock { line: index + 1, kind: kind.trim().into(), text: String::new() }),
                None => in_other_fence = true,
            },
            (None, false) => {}
        }
    }
    blocks
}

#[test]
fn every_toml_block_marked_as_a_topology_is_a_valid_topology_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in markdown_files(root) {
        let markdown = std::fs::read_to_string(&file).unwrap();
        let shown = file.strip_prefix(root).unwrap().display().to_string();
        for block in toml_blocks(&markdown) {
            let place = format!("{shown}:{}", block.line);
            match block.kind.as_str() {
                "topology" => {
                    checked += 1;
                    if let Err(error) = ecsnet::topology::parse(Path::new(&place), &block.text) {
                        problems.push(format!("{place}: not a valid topology file:\n{error}"));
                    }
                }
                "fragment" => {}
                other => problems.push(format!(
                    "{place}: a ```toml block marked {other:?}: mark it `toml topology` (a complete file, checked) or \
                     `toml fragment` (part of one)"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(
        checked >= 2,
        "found only {checked} topology blocks: README.md's quickstart and docs/reference/topology.md"
    );
}

#[test]
fn toml_blocks_are_found_with_their_line_and_kind() {
    let blocks = toml_blocks("a\n```text\n```toml\n```\n```toml topology\nname = \"x\"\n```\n```toml fragment\n```\n");
    let found: Vec<_> = blocks.iter().map(|block| (block.line, block.kind.as_str(), block.text.as_str())).collect();
    assert_eq!(found, vec![(5, "topology", "name = \"x\"\n"), (8, "fragment", "")]);
}
