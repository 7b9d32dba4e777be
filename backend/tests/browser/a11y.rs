//! Accessibility: axe-core (from npm, installed by `cargo xtask`) runs in every page, in its
//! busy state, with the browser in light and in dark mode, and any WCAG 2.0/2.1 A or AA
//! violation fails the test with axe's own description of each offending element.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::harness::{Browser, ColorScheme, dist};
use crate::stage::Page;

/// `axe.min.js`: `DUPLEX_AXE`, else where `cargo xtask` installs it (`xtask/node/`).
fn axe_source() -> String {
    let path = std::env::var_os("DUPLEX_AXE").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../xtask/node/node_modules/axe-core/axe.min.js"
            ))
        },
        PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no axe-core at {} ({e}): run `cargo xtask test`, which installs it",
            path.display()
        )
    })
}

/// Runs axe on the current document; returns one line per violating element.
async fn violations(b: &Browser, axe: &str) -> Vec<String> {
    if b.client
        .execute("return typeof axe;", vec![])
        .await
        .unwrap()
        != json!("object")
    {
        b.client.execute(axe, vec![]).await.unwrap();
    }
    let found = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.concat(
                   // Contrast axe could not decide because of a background gradient or
                   // image is as much a risk as a failure: report it too. Its other
                   // undecided cases are about geometry, not colour (text scrolled out of a
                   // log, plot labels under grid lines or inside an SVG role=img, the
                   // aria-hidden logo glyph) and would make this check noise.
                   r.incomplete.filter(v => v.id === 'color-contrast').map(v => ({ ...v,
                       nodes: v.nodes.filter(n => n.any.some(c => c.data &&
                           ['bgGradient', 'bgImage'].includes(c.data.messageKey))) }))
                     .filter(v => v.nodes.length > 0))
                 .map(v => ({ id: v.id, help: v.help,
                   nodes: v.nodes.map(n => ({ target: n.target.join(' '),
                       summary: n.failureSummary })) }))))
               .catch(e => done([{ id: 'axe-error', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .unwrap();
    let mut lines = Vec::new();
    let found = found
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("axe returned no list: {found}"));
    for v in found {
        let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
        if nodes.is_empty() {
            lines.push(format!("{}: {}", v["id"], v["help"]));
        }
        for n in nodes {
            lines.push(format!(
                "{} ({}) at {}: {}",
                v["id"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                n["target"].as_str().unwrap_or("?"),
                n["summary"].as_str().unwrap_or("").replace('\n', " ")
            ));
        }
    }
    lines
}

/// Every page in `scheme`: no WCAG 2.1 AA violations.
async fn check_pages(scheme: ColorScheme) {
    let axe = axe_source();
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start_with("en-US", scheme).await;
    let mut all = Vec::new();
    for page in Page::ALL {
        b.stage(&server, page, "en").await;
        let dark = b
            .client
            .execute(
                "return matchMedia('(prefers-color-scheme: dark)').matches;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            dark,
            Value::Bool(scheme == ColorScheme::Dark),
            "the browser reports the colour scheme under test"
        );
        for line in violations(&b, &axe).await {
            all.push(format!("{} ({scheme:?}): {line}", page.name()));
        }
    }
    // Embeds, their `?theme=` pinned against the system's: the start screen, then started.
    let theme = match scheme {
        ColorScheme::Light => "dark",
        ColorScheme::Dark => "light",
    };
    for (path, marker) in [
        ("/embed/lab-http", "[data-test=lab-run]"),
        ("/embed/race", "[data-test=race-run]"),
    ] {
        let url = server.url(&format!("{path}?lang=en&theme={theme}"));
        b.client.goto(&url).await.unwrap();
        b.wait_visible("[data-test=embed-start]").await;
        for line in violations(&b, &axe).await {
            all.push(format!("{path} theme={theme}, start: {line}"));
        }
        b.click("[data-test=embed-start]").await;
        b.wait_visible(marker).await;
        for line in violations(&b, &axe).await {
            all.push(format!("{path} theme={theme}: {line}"));
        }
    }
    b.finish().await;
    assert!(
        all.is_empty(),
        "{} WCAG 2.1 AA violations:\n  {}",
        all.len(),
        all.join("\n  ")
    );
}

#[tokio::test]
async fn every_page_passes_axe_in_light_mode() {
    check_pages(ColorScheme::Light).await;
}

#[tokio::test]
async fn every_page_passes_axe_in_dark_mode() {
    check_pages(ColorScheme::Dark).await;
}
