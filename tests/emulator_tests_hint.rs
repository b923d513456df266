//! Without the `emulator-tests` feature cargo skips the emulator test target without a word, so this target
//! (no test harness) says in one line how to run those tests. It is no emulator test: it checks only that the
//! script it names is the one that asks for them.

use std::path::Path;

fn main() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("localstack/test.sh");
    let text =
        std::fs::read_to_string(&script).unwrap_or_else(|error| panic!("cannot read {}: {error}", script.display()));
    assert!(
        text.lines()
            .any(|line| line.trim_start().starts_with("cargo test") && line.contains("--features emulator-tests")),
        "localstack/test.sh no longer runs `cargo test --features emulator-tests`: the emulator tests would never run"
    );
    if !cfg!(feature = "emulator-tests") {
        println!(
            "emulator tests: not built (they need an emulator); run `bash localstack/test.sh`, which starts one and passes --features emulator-tests"
        );
    }
}
