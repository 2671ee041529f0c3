//! Test fixtures the tests make themselves: text drawn with a system font.
#![allow(dead_code)]

pub mod id_card;
pub mod pdf;

use std::path::PathBuf;
use std::sync::OnceLock;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};
use ocrdesk::{EngineOptions, OcrEngine};

/// DejaVu Sans, from Debian's `fonts-dejavu-core` (installed by the test command).
pub const FONT_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

pub fn font() -> &'static FontVec {
    static FONT: OnceLock<FontVec> = OnceLock::new();
    FONT.get_or_init(|| load_font(FONT_PATH, "fonts-dejavu-core"))
}

/// The font file at `path`, which Debian's `package` installs.
pub(crate) fn load_font(path: &str, package: &str) -> FontVec {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}; install Debian's {package}"));
    FontVec::try_from_vec(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Width in pixels of `text` at `size` px.
pub fn text_width(text: &str, size: f32) -> f32 {
    let f = font().as_scaled(PxScale::from(size));
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern(p, id);
        }
        w += f.h_advance(id);
        prev = Some(id);
    }
    w
}

/// Draws `text` in black with its top-left at (x, y).
pub fn draw_text(img: &mut RgbImage, text: &str, x: f32, y: f32, size: f32) {
    draw_text_in(img, text, x, y, size, [0, 0, 0]);
}

/// DejaVu Sans Mono, from the same package: a stand-in for the OCR-B of
/// machine-readable zones (fixed pitch, clear `<`).
pub const MONO_FONT_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

pub fn mono_font() -> &'static FontVec {
    static FONT: OnceLock<FontVec> = OnceLock::new();
    FONT.get_or_init(|| load_font(MONO_FONT_PATH, "fonts-dejavu-core"))
}

/// Draws `text` in black, in DejaVu Sans Mono, with its top-left at (x, y).
pub fn draw_mono_text(img: &mut RgbImage, text: &str, x: f32, y: f32, size: f32) {
    draw_with(mono_font(), img, text, (x, y), size, [0, 0, 0]);
}

/// Draws `text` in `colour` (as ink: never lightens what is already there).
pub fn draw_text_in(img: &mut RgbImage, text: &str, x: f32, y: f32, size: f32, colour: [u8; 3]) {
    draw_with(font(), img, text, (x, y), size, colour);
}

pub(crate) fn draw_with(
    font: &FontVec,
    img: &mut RgbImage,
    text: &str,
    (x, y): (f32, f32),
    size: f32,
    colour: [u8; 3],
) {
    let f = font.as_scaled(PxScale::from(size));
    let mut caret = x;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            caret += f.kern(p, id);
        }
        let glyph = id.with_scale_and_position(size, point(caret, y + f.ascent()));
        caret += f.h_advance(id);
        prev = Some(id);
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let (px, py) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    let cover = coverage.clamp(0.0, 1.0);
                    for (ch, &c) in p.0.iter_mut().zip(&colour) {
                        let inked = (255.0 - (255.0 - c as f32) * cover).round() as u8;
                        *ch = (*ch).min(inked);
                    }
                }
            });
        }
    }
}

/// A white page with one line of text per entry, `size` px high, `margin` px around.
pub fn page(lines: &[&str], size: f32, margin: f32) -> RgbImage {
    let width = lines.iter().map(|l| text_width(l, size)).fold(0.0, f32::max) + 2.0 * margin;
    let line_height = size * 1.8;
    let height = line_height * lines.len() as f32 + 2.0 * margin;
    let mut img = RgbImage::from_pixel(width.ceil() as u32, height.ceil() as u32, Rgb([255, 255, 255]));
    for (i, line) in lines.iter().enumerate() {
        draw_text(&mut img, line, margin, margin + i as f32 * line_height, size);
    }
    img
}

/// Stacks `parts` top to bottom on one white page, each as wide as the widest.
pub fn stack(parts: &[&RgbImage]) -> RgbImage {
    let width = parts.iter().map(|p| p.width()).max().unwrap_or(1);
    let height = parts.iter().map(|p| p.height()).sum();
    let mut img = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    let mut y = 0;
    for part in parts {
        image::imageops::replace(&mut img, *part, 0, y as i64);
        y += part.height();
    }
    img
}

/// The engine, loaded once for all tests of a binary.
pub fn engine() -> &'static OcrEngine {
    static ENGINE: OnceLock<OcrEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        OcrEngine::new(EngineOptions::default())
            .unwrap_or_else(|e| panic!("{e}\n(run `python3 packaging/fetch_assets.py` first)"))
    })
}

/// A fresh temporary folder.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

pub fn save(img: &RgbImage, dir: &std::path::Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    img.save(&path).expect("fixture saved");
    path
}

/// A Photoshop file with no layers, only its RGB composite (raw, planar), as
/// the PSD specification lays it out.
pub fn psd_bytes(img: &image::RgbImage) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"8BPS");
    b.extend_from_slice(&1u16.to_be_bytes()); // version
    b.extend_from_slice(&[0; 6]);
    b.extend_from_slice(&3u16.to_be_bytes()); // channels
    b.extend_from_slice(&img.height().to_be_bytes());
    b.extend_from_slice(&img.width().to_be_bytes());
    b.extend_from_slice(&8u16.to_be_bytes()); // bits per channel
    b.extend_from_slice(&3u16.to_be_bytes()); // RGB
    for _section in ["colour mode data", "image resources", "layers and masks"] {
        b.extend_from_slice(&0u32.to_be_bytes());
    }
    b.extend_from_slice(&0u16.to_be_bytes()); // raw image data
    for channel in 0..3 {
        b.extend(img.pixels().map(|p| p.0[channel]));
    }
    b
}

/// A ruled price list under the heading "Price list": three rows of three
/// columns, the "Price" heading merged over the last two. `height` ≥ 330 leaves
/// room below the table.
pub fn price_list(height: u32) -> RgbImage {
    let mut img = RgbImage::from_pixel(720, height, Rgb([255, 255, 255]));
    draw_text(&mut img, "Price list", 20.0, 14.0, 30.0);
    let black = Rgb([0, 0, 0]);
    for y in [70u32, 150, 230, 310] {
        for x in 20..=700 {
            img.put_pixel(x, y, black);
            img.put_pixel(x, y + 1, black);
        }
    }
    for (x, y0) in [(20u32, 70u32), (250, 70), (480, 150), (700, 70)] {
        for y in y0..=311 {
            img.put_pixel(x, y, black);
            img.put_pixel(x + 1, y, black);
        }
    }
    for (text, x, y) in [
        ("Item", 40.0, 92.0),
        ("Price", 270.0, 92.0),
        ("Tea", 40.0, 172.0),
        ("2.50", 270.0, 172.0),
        ("EUR", 500.0, 172.0),
        ("Cake", 40.0, 252.0),
        ("4.00", 270.0, 252.0),
        ("EUR", 500.0, 252.0),
    ] {
        draw_text(&mut img, text, x, y, 30.0);
    }
    img
}

/// Runs the `ocrdesk` binary built for these tests, as a user would.
pub fn ocrdesk(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ocrdesk"))
        .args(args)
        .output()
        .expect("ocrdesk runs")
}

/// A path as a command-line argument.
pub fn arg(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// One HTTP/1.1 request on its own connection: (status, headers, body).
pub fn http(addr: std::net::SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return (0, String::new(), Vec::new());
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // A refused body may be cut short by the server: the answer is read all the same.
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head, response.get(split + 4..).unwrap_or_default().to_vec())
}

/// The ICAO 9303 specimen passport (ERIKSSON, ANNA MARIA): a printed name and its
/// machine-readable zone.
pub fn passport_specimen() -> RgbImage {
    let mut passport = RgbImage::from_pixel(1000, 420, Rgb([255, 255, 255]));
    draw_text(&mut passport, "PASSPORT  Utopia", 40.0, 30.0, 30.0);
    draw_text(&mut passport, "Surname  ERIKSSON", 40.0, 90.0, 26.0);
    draw_text(&mut passport, "Given names  ANNA MARIA", 40.0, 140.0, 26.0);
    draw_mono_text(
        &mut passport,
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        40.0,
        260.0,
        34.0,
    );
    draw_mono_text(
        &mut passport,
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        40.0,
        320.0,
        34.0,
    );
    passport
}

pub const SEAL_RED: [u8; 3] = [214, 38, 46];

/// Draws `text` in `colour` round a circle about `centre`, tops of the letters
/// outwards, centred on the top, as a seal's ring text runs.
pub fn draw_ring_text(img: &mut RgbImage, text: &str, centre: (f32, f32), radius: f32, size: f32, colour: [u8; 3]) {
    let chars: Vec<char> = text.chars().collect();
    let step = (size * 0.78 / radius).to_degrees();
    let first = 270.0 - step * (chars.len() as f32 - 1.0) / 2.0;
    for (k, c) in chars.iter().enumerate() {
        let angle = first + step * k as f32;
        let tile_side = (size * 1.6) as u32;
        let mut tile = RgbImage::from_pixel(tile_side, tile_side, Rgb([255, 255, 255]));
        let w = text_width(&c.to_string(), size);
        draw_text(
            &mut tile,
            &c.to_string(),
            (tile_side as f32 - w) / 2.0,
            size * 0.25,
            size,
        );
        // Turned so that its top points away from the centre.
        let (turned, _) = ocrdesk::imaging::turn(&tile, angle + 90.0);
        let (x, y) = (
            centre.0 + radius * angle.to_radians().cos(),
            centre.1 + radius * angle.to_radians().sin(),
        );
        let (x0, y0) = (x - turned.width() as f32 / 2.0, y - turned.height() as f32 / 2.0);
        for (tx, ty, p) in turned.enumerate_pixels() {
            let (px, py) = ((x0 + tx as f32) as i64, (y0 + ty as f32) as i64);
            if p.0[0] < 110 && px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                img.put_pixel(px as u32, py as u32, Rgb(colour));
            }
        }
    }
}

/// A letter with a body, a signatory line, and a red company seal stamped beside
/// it: ring text round the top, an outline, a number across its middle.
pub fn sealed_letter() -> RgbImage {
    let mut img = RgbImage::from_pixel(1240, 1100, Rgb([255, 255, 255]));
    draw_text(&mut img, "Notice of Delivery", 80.0, 80.0, 48.0);
    let body = [
        "The goods listed in the order of",
        "the third of March were delivered",
        "to the warehouse in full and were",
        "checked against the invoice.",
    ];
    for (i, line) in body.iter().enumerate() {
        draw_text(&mut img, line, 80.0, 200.0 + i as f32 * 46.0, 30.0);
    }
    draw_text(&mut img, "For the company:", 80.0, 560.0, 30.0);
    let centre = (700.0, 700.0);
    for y in 400..1000 {
        for x in 400..1000 {
            let r = (x as f32 - centre.0).hypot(y as f32 - centre.1);
            if (192.0..=200.0).contains(&r) {
                img.put_pixel(x, y, Rgb(SEAL_RED));
            }
        }
    }
    draw_ring_text(&mut img, "NORTHSIDE TRADING LTD", centre, 150.0, 44.0, SEAL_RED);
    draw_text_in(&mut img, "No 4403", 630.0, 690.0, 34.0, SEAL_RED);
    img
}
