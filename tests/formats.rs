//! Every raster format OCR Desk accepts, written by its own encoder and read back:
//! the exact text must come out. Plus pixel layouts (grey, 16-bit, alpha) and
//! every page of a multi-page TIFF.

mod common;

use std::path::{Path, PathBuf};

use common::{engine, page, temp_dir};
use image::{DynamicImage, ImageFormat};
use ocrdesk::pipeline::read_file;

const TEXT: &str = "Read 4271";

fn fixture() -> image::RgbImage {
    // Small enough for ICO's 256 px limit.
    page(&[TEXT], 30.0, 24.0)
}

fn texts_of(path: &Path) -> Vec<Vec<String>> {
    let doc = read_file(engine(), path).unwrap_or_else(|e| panic!("{e}"));
    doc.pages
        .iter()
        .map(|p| p.lines.iter().map(|l| l.text.clone()).collect())
        .collect()
}

fn save_as(img: &DynamicImage, dir: &Path, name: &str, format: ImageFormat) -> PathBuf {
    let path = dir.join(name);
    img.save_with_format(&path, format)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    path
}

#[test]
fn every_listed_raster_format_is_read() {
    let dir = temp_dir();
    let img = DynamicImage::ImageRgb8(fixture());
    let formats = [
        ("page.png", ImageFormat::Png),
        ("page.jpg", ImageFormat::Jpeg),
        ("page.bmp", ImageFormat::Bmp),
        ("page.gif", ImageFormat::Gif),
        ("page.tif", ImageFormat::Tiff),
        ("page.webp", ImageFormat::WebP),
        ("page.ico", ImageFormat::Ico),
        ("page.tga", ImageFormat::Tga),
        ("page.ppm", ImageFormat::Pnm),
    ];
    for (name, format) in formats {
        // Icons are RGBA (the ICO decoder refuses an embedded RGB PNG).
        let img = if format == ImageFormat::Ico {
            DynamicImage::ImageRgba8(img.to_rgba8())
        } else {
            img.clone()
        };
        let path = save_as(&img, dir.path(), name, format);
        assert_eq!(texts_of(&path), vec![vec![TEXT.to_string()]], "{name}");
    }
}

#[test]
fn format_comes_from_the_content_not_the_extension() {
    let dir = temp_dir();
    let path = save_as(
        &DynamicImage::ImageRgb8(fixture()),
        dir.path(),
        "really-a-png.jpg",
        ImageFormat::Png,
    );
    assert_eq!(texts_of(&path), vec![vec![TEXT.to_string()]]);
}

#[test]
fn grey_sixteen_bit_and_transparent_images_are_read() {
    let dir = temp_dir();
    let rgb = fixture();
    let grey = DynamicImage::ImageRgb8(rgb.clone()).into_luma8();
    let grey16 = DynamicImage::ImageRgb8(rgb.clone()).into_luma16();
    // Black ink on a fully transparent sheet: composited on white paper.
    let transparent = image::RgbaImage::from_fn(rgb.width(), rgb.height(), |x, y| {
        let v = rgb.get_pixel(x, y).0[0];
        image::Rgba([0, 0, 0, 255 - v])
    });
    for (name, img) in [
        ("grey.png", DynamicImage::ImageLuma8(grey)),
        ("grey16.png", DynamicImage::ImageLuma16(grey16)),
        ("alpha.png", DynamicImage::ImageRgba8(transparent)),
    ] {
        let path = save_as(&img, dir.path(), name, ImageFormat::Png);
        assert_eq!(texts_of(&path), vec![vec![TEXT.to_string()]], "{name}");
    }
}

#[test]
fn every_page_of_a_multi_page_tiff_is_read() {
    use tiff::encoder::{TiffEncoder, colortype};
    let dir = temp_dir();
    let path = dir.path().join("three-pages.tif");
    let pages = [
        page(&["First page 101"], 30.0, 24.0),
        page(&["Second page 202"], 30.0, 24.0),
        page(&["Third page 303"], 30.0, 24.0),
    ];
    {
        let file = std::fs::File::create(&path).expect("create");
        let mut tiff = TiffEncoder::new(std::io::BufWriter::new(file)).expect("encoder");
        // Three pixel layouts: RGB, 8-bit grey, 16-bit grey.
        tiff.write_image::<colortype::RGB8>(pages[0].width(), pages[0].height(), pages[0].as_raw())
            .expect("page 1");
        let grey = DynamicImage::ImageRgb8(pages[1].clone()).into_luma8();
        tiff.write_image::<colortype::Gray8>(grey.width(), grey.height(), grey.as_raw())
            .expect("page 2");
        let grey16 = DynamicImage::ImageRgb8(pages[2].clone()).into_luma16();
        tiff.write_image::<colortype::Gray16>(grey16.width(), grey16.height(), grey16.as_raw())
            .expect("page 3");
    }
    let doc = read_file(engine(), &path).unwrap_or_else(|e| panic!("{e}"));
    let indices: Vec<usize> = doc.pages.iter().map(|p| p.index).collect();
    assert_eq!(indices, [0, 1, 2]);
    assert_eq!(
        texts_of(&path),
        vec![
            vec!["First page 101".to_string()],
            vec!["Second page 202".to_string()],
            vec!["Third page 303".to_string()]
        ]
    );
}

#[test]
fn a_truncated_later_tiff_page_names_the_page() {
    use tiff::encoder::{TiffEncoder, colortype};
    let dir = temp_dir();
    let path = dir.path().join("broken.tif");
    let first = fixture();
    let mut bytes = Vec::new();
    {
        let mut tiff = TiffEncoder::new(std::io::Cursor::new(&mut bytes)).expect("encoder");
        tiff.write_image::<colortype::RGB8>(first.width(), first.height(), first.as_raw())
            .expect("page 1");
        tiff.write_image::<colortype::RGB8>(first.width(), first.height(), first.as_raw())
            .expect("page 2");
    }
    // Cut the file inside the second page's pixels.
    std::fs::write(&path, &bytes[..bytes.len() - first.as_raw().len() / 2]).expect("write");
    let Err(err) = read_file(engine(), &path) else {
        panic!("a truncated TIFF must be refused");
    };
    let err = err.to_string();
    assert!(err.starts_with(&path.display().to_string()), "{err}");
    assert!(err.contains("page 2"), "{err}");
}

#[test]
fn exif_orientation_is_applied() {
    use image::ImageEncoder;
    let dir = temp_dir();
    let upright = fixture();
    // Stored turned a quarter anticlockwise, with EXIF Orientation 6: "rotate 90° clockwise to display".
    let stored = image::imageops::rotate270(&upright);
    // A little-endian TIFF block: one IFD entry, tag 0x0112 (Orientation), SHORT, count 1, value 6.
    let exif: Vec<u8> = [
        &b"II*\0"[..],
        &8u32.to_le_bytes(),
        &1u16.to_le_bytes(),
        &0x0112u16.to_le_bytes(),
        &3u16.to_le_bytes(),
        &1u32.to_le_bytes(),
        &6u32.to_le_bytes(),
        &0u32.to_le_bytes(),
    ]
    .concat();
    let path = dir.path().join("phone.jpg");
    let mut file = std::fs::File::create(&path).expect("create");
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 95);
    encoder.set_exif_metadata(exif).expect("JPEG takes EXIF");
    encoder
        .write_image(
            stored.as_raw(),
            stored.width(),
            stored.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
    drop(file);
    let doc = read_file(engine(), &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((doc.pages[0].width, doc.pages[0].height), upright.dimensions());
    assert_eq!(texts_of(&path), vec![vec![TEXT.to_string()]]);
}

#[test]
fn pcx_images_are_read() {
    let dir = temp_dir();
    let img = fixture();
    let path = dir.path().join("page.pcx");
    let mut writer = pcx::WriterRgb::create_file(&path, (img.width() as u16, img.height() as u16), (300, 300)).unwrap();
    for row in img.as_raw().chunks(img.width() as usize * 3) {
        writer.write_row(row).unwrap();
    }
    writer.finish().unwrap();
    assert_eq!(texts_of(&path), vec![vec![TEXT.to_string()]]);
}

#[test]
fn psd_images_are_read_from_their_composite() {
    let dir = temp_dir();
    let path = dir.path().join("page.psd");
    std::fs::write(&path, common::psd_bytes(&fixture())).unwrap();
    assert_eq!(texts_of(&path), vec![vec![TEXT.to_string()]]);
}

/// A real fax: pages stored 1 bit per pixel, CCITT Group 4, white-is-zero, as a
/// scanner's fax mode writes them. libtiff's own tools (`libtiff-tools`, which
/// `packaging/test.sh` installs) write the file from 1-bit PBM pages.
#[test]
fn a_ccitt_group_4_fax_tiff_is_read_page_by_page() {
    use image::codecs::pnm::{PnmEncoder, PnmSubtype, SampleEncoding};
    let dir = temp_dir();
    let texts = ["Fax page one 301", "Fax page two 302"];
    let mut singles = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let grey = DynamicImage::ImageRgb8(page(&[text], 30.0, 24.0)).into_luma8();
        let bilevel = image::GrayImage::from_fn(grey.width(), grey.height(), |x, y| {
            // PBM samples: 1 is ink.
            image::Luma([(grey.get_pixel(x, y).0[0] < 128) as u8])
        });
        let pbm = dir.path().join(format!("page{i}.pbm"));
        let mut file = std::fs::File::create(&pbm).unwrap();
        PnmEncoder::new(&mut file)
            .with_subtype(PnmSubtype::Bitmap(SampleEncoding::Binary))
            .encode(
                bilevel.as_raw().as_slice(),
                bilevel.width(),
                bilevel.height(),
                image::ExtendedColorType::L8,
            )
            .unwrap();
        let tif = dir.path().join(format!("page{i}.tif"));
        run("ppm2tiff", &[&pbm, &tif]);
        singles.push(tif);
    }
    // Group 4 as fax scanners write it; uncompressed and PackBits 1-bit pages too.
    for compression in ["g4", "none", "packbits"] {
        let fax = dir.path().join(format!("fax-{compression}.tif"));
        let mut args: Vec<&Path> = singles.iter().map(PathBuf::as_path).collect();
        args.push(&fax);
        run_with("tiffcp", &["-c", compression], &args);
        assert_eq!(
            texts_of(&fax),
            vec![vec![texts[0].to_string()], vec![texts[1].to_string()]],
            "{compression}"
        );
        // Only the pages asked for are read.
        let options = ocrdesk::document::OpenOptions {
            pages: "2".parse().unwrap(),
            ..Default::default()
        };
        let second = ocrdesk::pipeline::read_document(engine(), &fax, &options, |_| ()).unwrap();
        assert_eq!(
            (second.page_count, second.pages.len(), second.pages[0].index),
            (2, 1, 1)
        );
        assert_eq!(second.pages[0].text(), texts[1]);
        // Paper is white and ink black on both pages, not the other way round.
        for p in ocrdesk::document::open(&fax).unwrap() {
            assert_eq!(
                p.image.get_pixel(0, 0).0,
                [255, 255, 255],
                "{compression} page {}",
                p.index
            );
            assert!(
                p.image.pixels().any(|px| px.0 == [0, 0, 0]),
                "{compression} page {}",
                p.index
            );
        }
    }
}

fn run(tool: &str, paths: &[&Path]) {
    run_with(tool, &[], paths);
}

fn run_with(tool: &str, flags: &[&str], paths: &[&Path]) {
    let status = std::process::Command::new(tool)
        .args(flags)
        .args(paths)
        .status()
        .unwrap_or_else(|e| panic!("{tool}: {e} (packaging/test.sh installs libtiff-tools)"));
    assert!(status.success(), "{tool} failed");
}

/// Eight-bit grey pages that store ink as the high value (WhiteIsZero) come out
/// as black ink on white paper, the first page (read by `image`) and later ones
/// (read by `tiff`) alike.
#[test]
fn white_is_zero_grey_tiff_pages_are_not_inverted() {
    let dir = temp_dir();
    let texts = ["Grey page one 401", "Grey page two 402"];
    let mut singles = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let mut grey = DynamicImage::ImageRgb8(page(&[text], 30.0, 24.0)).into_luma8();
        image::imageops::invert(&mut grey);
        let tif = dir.path().join(format!("grey{i}.tif"));
        grey.save(&tif).unwrap();
        // Mark the stored values as WhiteIsZero: 0 is paper, 255 is ink.
        run_with("tiffset", &["-s", "262", "0"], &[&tif]);
        singles.push(tif);
    }
    let both = dir.path().join("grey.tif");
    let mut args: Vec<&Path> = singles.iter().map(PathBuf::as_path).collect();
    args.push(&both);
    run_with("tiffcp", &[], &args);
    assert_eq!(
        texts_of(&both),
        vec![vec![texts[0].to_string()], vec![texts[1].to_string()]]
    );
    for p in ocrdesk::document::open(&both).unwrap() {
        assert_eq!(p.image.get_pixel(0, 0).0, [255, 255, 255], "page {}", p.index);
    }
}
