//! What publishing needs: the package's name and licences, and every file the README links
//! to inside the package (Cargo.toml's `include`). `cargo package` itself is run by hand and
//! in the closing note; this keeps what it checks from drifting.

use crate::support::root;

fn manifest() -> String {
    std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml")
}

/// The patterns of the manifest's `include` list.
fn include() -> Vec<String> {
    let manifest = manifest();
    let list = manifest
        .split("\ninclude = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("an include list");
    list.split(',')
        .map(|p| p.trim().trim_matches('"').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether `path` is matched by an `include` pattern (`dir/**` or an exact path).
fn included(path: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| match p.strip_suffix("/**") {
        Some(dir) => path.starts_with(&format!("{dir}/")),
        None => p == path,
    })
}

/// The relative links of a Markdown text: `[text](path#anchor)` without the anchor.
fn relative_links(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|link| link.split('#').next().unwrap_or_default().to_owned())
        .filter(|link| !link.is_empty() && !link.contains("://"))
        .collect()
}

#[test]
fn the_package_has_its_own_name_and_keeps_drc_for_the_binary_and_the_library() {
    let manifest = manifest();
    assert!(
        manifest.contains("\nname = \"drc-compiler\"\n"),
        "{manifest}"
    );
    assert!(manifest.contains("[lib]\nname = \"drc\"\n"), "{manifest}");
    assert!(manifest.contains("[[bin]]\nname = \"drc\"\n"), "{manifest}");
    assert!(manifest.contains("\nlicense = \"MIT OR Apache-2.0\"\n"));
    let mit = std::fs::read_to_string(root().join("LICENSE-MIT")).expect("LICENSE-MIT");
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(root().join("LICENSE-APACHE")).expect("LICENSE-APACHE");
    assert!(apache.contains("Apache License\n") && apache.contains("Version 2.0, January 2004"));
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    assert!(
        readme.contains("cargo install --path ."),
        "the README says how to install"
    );
}

#[test]
fn every_file_the_readme_links_to_is_in_the_package() {
    let patterns = include();
    for file in [
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "Cargo.lock",
        "src/lib.rs",
    ] {
        assert!(included(file, &patterns), "{file} is not in the package");
    }
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let links = relative_links(&readme);
    assert!(links.len() >= 8, "{links:?}");
    for link in links {
        assert!(
            root().join(&link).exists(),
            "README links to {link}, which does not exist"
        );
        assert!(
            included(&link, &patterns),
            "README links to {link}, which Cargo.toml's include leaves out"
        );
    }
    // The pages `drc explain --code` builds in must be there for the package to build.
    assert!(included("docs/errors/E0101.md", &patterns));
}

#[test]
fn the_link_reader_sees_what_is_left_out() {
    let patterns = vec!["src/**".to_owned(), "README.md".to_owned()];
    assert!(included("src/cli/mod.rs", &patterns));
    assert!(!included("docs/tools.md", &patterns));
    assert_eq!(
        relative_links("see [a](docs/a.md#x), [b](https://x.org) and [c](LICENSE)"),
        ["docs/a.md", "LICENSE"]
    );
}
