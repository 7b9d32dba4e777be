//! Japanese and Korean text renders as real glyphs, not as the empty boxes a machine
//! without a CJK font draws (`.notdef`). Every distinct kana, kanji and hangul character on
//! every page, in the page's own font stack, is drawn on a canvas and compared pixel for
//! pixel with an unassigned code point, which no font has: equal means the glyph is missing.

use serde_json::json;

use crate::common::TestServer;
use crate::harness::{Browser, dist};
use crate::stage::Page;

/// Draws each CJK character of the page's text in the `<body>` font stack; returns
/// `{chars, missing, distinct, font}` (`distinct`: how many different bitmaps they made —
/// missing glyphs all look alike, even when drawn as some other box than `.notdef`).
const GLYPH_PROBE: &str = r#"
const text = document.body.innerText;
const font = getComputedStyle(document.body).fontFamily;
const cjk = /[\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/u;
const chars = [...new Set([...text].filter(c => cjk.test(c)))];
const canvas = document.createElement('canvas');
canvas.width = 48; canvas.height = 48;
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const draw = s => {
  ctx.clearRect(0, 0, 48, 48);
  ctx.font = `32px ${font}`;
  ctx.textBaseline = 'top';
  ctx.fillStyle = '#000';
  ctx.fillText(s, 4, 4);
  return ctx.getImageData(0, 0, 48, 48).data.join(',');
};
const notdef = draw('\u0378');
const drawn = chars.map(draw);
return {
  chars: chars.length,
  missing: chars.filter((c, i) => drawn[i] === notdef),
  distinct: new Set(drawn).size,
  font,
};
"#;

#[tokio::test]
async fn japanese_and_korean_text_has_real_glyphs() {
    let server = TestServer::serve(&dist()).await;
    let b = Browser::start("en-US").await;
    for lang in ["ja", "ko"] {
        for page in Page::ALL {
            b.open_plain(&server, page, lang).await;
            let got = b.client.execute(GLYPH_PROBE, vec![]).await.unwrap();
            let chars = got["chars"].as_u64().unwrap_or(0);
            // A page with no CJK text would pass vacuously: it must have plenty.
            assert!(
                chars >= 10,
                "{lang} {}: only {chars} CJK characters",
                page.name()
            );
            let distinct = got["distinct"].as_u64().unwrap_or(0);
            assert!(
                distinct * 10 >= chars * 9,
                "{lang} {}: {chars} characters drew only {distinct} different shapes",
                page.name()
            );
            assert_eq!(
                got["missing"],
                json!([]),
                "{lang} {}: characters drawn as missing glyphs in {} — is a CJK font \
                 (fonts-noto-cjk) installed?",
                page.name(),
                got["font"]
            );
        }
    }
    b.finish().await;
}
