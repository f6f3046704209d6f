//! The commands and options that fit drc into other tools, through the real binary: error
//! pages (`explain --code`), completions and the man page, stdin and directories.

use crate::cli::{BROKEN, Drc, assert_contains, temp_dir, write};
use crate::support::root;
use drc::Code;

#[test]
fn explain_code_prints_the_page_of_every_code() {
    for code in Code::ALL {
        let output = Drc::new(&["explain", "--code", code.as_str()]).run();
        assert_eq!(output.status, 0, "{}: {}", code.as_str(), output.stderr);
        let page =
            std::fs::read_to_string(root().join(format!("docs/errors/{}.md", code.as_str())))
                .expect("every code has a page");
        assert_eq!(output.stdout, page, "{}", code.as_str());
    }
    // Any case; an unknown code is a usage error with the nearest code.
    let lower = Drc::new(&["explain", "--code", "e0302"]).run();
    assert_eq!(lower.status, 0);
    assert!(lower.stdout.starts_with("# E0302: wrong unit\n"));
    let unknown = Drc::new(&["explain", "--code", "E0399"]).run();
    assert_eq!(unknown.status, 2);
    assert!(unknown.stdout.is_empty());
    assert_contains(&unknown.stderr, "drc has no code `E0399`");
    assert_contains(&unknown.stderr, "did you mean `E0309`?");
    // A file or a code, not both, and one of them.
    assert_eq!(Drc::new(&["explain"]).run().status, 2);
    let both = Drc::new(&["explain", "examples/log_archive.dr", "--code", "E0302"]).run();
    assert_eq!(both.status, 2, "{}", both.stderr);
}

#[test]
fn every_diagnostic_says_how_to_see_its_page() {
    let dir = temp_dir();
    write(dir.path(), "broken.dr", BROKEN);
    let output = Drc::new(&["check", "broken.dr"]).in_dir(dir.path()).run();
    assert_eq!(output.status, 1);
    let headers = output
        .stderr
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .count();
    assert!(headers >= 3, "{}", output.stderr);
    for code in ["E0301", "E0302", "E0401"] {
        assert_contains(
            &output.stderr,
            &format!("= note: `drc explain --code {code}` explains this code"),
        );
    }
    assert_eq!(output.stderr.matches("drc explain --code").count(), headers);
}
