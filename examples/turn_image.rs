//! Writes a copy of an image turned clockwise by any angle (white where the turn
//! uncovers nothing): fixtures for orientation and skew by hand.
//!
//! `cargo run --release --example turn_image -- IN DEGREES OUT.png`

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, degrees, output] = args.as_slice() else {
        anyhow::bail!("usage: turn_image IN DEGREES OUT.png");
    };
    let pages = ocrdesk::document::open(std::path::Path::new(input))?;
    let page = pages.first().ok_or_else(|| anyhow::anyhow!("{input}: no page"))?;
    let (turned, _) = ocrdesk::imaging::turn(&page.image, degrees.parse()?);
    turned.save(output)?;
    Ok(())
}
