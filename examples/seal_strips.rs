//! Saves the ring strips of the seals found on each image given, for looking at:
//! `cargo run --release --example seal_strips -- OUT_DIR IMAGE...`.

use std::path::Path;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: seal_strips OUT_DIR IMAGE..."))?;
    std::fs::create_dir_all(&out)?;
    for path in args {
        let image = image::ImageReader::open(&path)?
            .with_guessed_format()?
            .decode()?
            .to_rgb8();
        let stem = Path::new(&path)
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        for (i, seal) in ocrdesk::analysis::seals::find_seals(&image).iter().enumerate() {
            println!("{stem} #{i}: {seal:?}");
            for (k, strip) in ocrdesk::analysis::seals::ring_strips(&image, seal).iter().enumerate() {
                strip.save(Path::new(&out).join(format!("{stem}_{i}_{k}.png")))?;
            }
        }
    }
    Ok(())
}
