//! Every diagnostic code has its page in `docs/errors/`, titled as in the registry, and
//! every page belongs to a code.

use crate::support::root;
use drc::Code;

#[test]
fn every_code_has_a_page_and_every_page_a_code() {
    let dir = root().join("docs/errors");
    for code in Code::ALL {
        let page = dir.join(format!("{}.md", code.as_str()));
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|_| panic!("missing {}", page.display()));
        let heading = format!("# {}: {}", code.as_str(), code.title());
        assert_eq!(
            text.lines().next(),
            Some(heading.as_str()),
            "{}",
            page.display()
        );
    }
    for entry in std::fs::read_dir(&dir).expect("docs/errors exists") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name == "README.md" {
            continue;
        }
        let stem = name.strip_suffix(".md").expect("only Markdown pages");
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == stem),
            "{name} documents no code"
        );
    }
}
