//! Renders `assets/sample.png`, the sample invoice the README's run command opens,
//! or with `--a4 PATH` a dense A4 letter at 300 dpi (2480×3508) for benchmarks.
//!
//!     cargo run --example render_sample
//!     cargo run --example render_sample -- --a4 target/a4.png
//!
//! Drawn with DejaVu Sans (Debian's fonts-dejavu-core), slightly tilted like a scan.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const FONT_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

fn draw(img: &mut RgbImage, font: &FontVec, text: &str, x: f32, y: f32, size: f32, grey: u8) {
    let f = font.as_scaled(PxScale::from(size));
    let mut caret = x;
    for c in text.chars() {
        let id = f.glyph_id(c);
        let glyph = id.with_scale_and_position(size, point(caret, y + f.ascent()));
        caret += f.h_advance(id);
        if let Some(o) = font.outline_glyph(glyph) {
            let b = o.px_bounds();
            o.draw(|gx, gy, cov| {
                let (px, py) = (b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32);
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    let v = 255.0 - cov.clamp(0.0, 1.0) * (255.0 - grey as f32);
                    for ch in p.0.iter_mut() {
                        *ch = (*ch).min(v as u8);
                    }
                }
            });
        }
    }
}

/// Words for the A4 page's paragraphs.
const WORDS: &[&str] = &[
    "the",
    "account",
    "invoice",
    "payment",
    "of",
    "delivery",
    "was",
    "received",
    "on",
    "and",
    "order",
    "customer",
    "reference",
    "balance",
    "due",
    "within",
    "days",
    "please",
    "contact",
    "our",
    "office",
    "regarding",
    "shipment",
    "number",
    "warehouse",
    "records",
    "show",
    "that",
    "goods",
    "were",
    "dispatched",
    "to",
    "your",
    "address",
    "quarterly",
    "statement",
    "includes",
    "all",
    "transactions",
    "since",
    "March",
];

fn a4_page(regular: &FontVec, bold: &FontVec) -> RgbImage {
    // 300 dpi: 11 pt text is 46 px, margins of 2.5 cm are 295 px.
    let mut img = RgbImage::from_pixel(2480, 3508, Rgb([255, 255, 255]));
    draw(
        &mut img,
        bold,
        "Quarterly account statement 2026-Q3",
        295.0,
        260.0,
        70.0,
        10,
    );
    let mut seed = 7u32;
    let mut y = 420.0;
    let mut line_no = 0;
    while y < 3508.0 - 400.0 {
        let mut line = format!("{:03} ", line_no + 1);
        while line.len() < 72 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            line.push_str(WORDS[(seed >> 16) as usize % WORDS.len()]);
            line.push(' ');
            if seed.is_multiple_of(7) {
                line.push_str(&format!("{}.{:02} ", seed % 9000, seed % 100));
            }
        }
        draw(&mut img, regular, line.trim_end(), 295.0, y, 46.0, 20);
        y += 46.0 * 1.45;
        line_no += 1;
        if line_no % 9 == 0 {
            y += 46.0;
        }
    }
    img
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let regular = FontVec::try_from_vec(std::fs::read(FONT)?)?;
    let bold = FontVec::try_from_vec(std::fs::read(FONT_BOLD)?)?;
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, path] = args.as_slice()
        && flag == "--a4"
    {
        a4_page(&regular, &bold).save(path)?;
        println!("wrote {path}");
        return Ok(());
    }
    let mut img = RgbImage::from_pixel(1240, 1100, Rgb([250, 249, 245]));
    draw(&mut img, &bold, "NORTHWIND SUPPLIES LTD", 80.0, 70.0, 44.0, 20);
    draw(
        &mut img,
        &regular,
        "14 Harbour Road, Leith, Edinburgh EH6 6LX",
        80.0,
        130.0,
        24.0,
        40,
    );
    draw(
        &mut img,
        &regular,
        "Tel +44 131 496 0123   accounts@northwind.example",
        80.0,
        166.0,
        24.0,
        40,
    );
    draw(&mut img, &bold, "INVOICE", 80.0, 250.0, 36.0, 20);
    draw(&mut img, &regular, "Invoice no. NW-2026-0417", 80.0, 310.0, 26.0, 30);
    draw(&mut img, &regular, "Date 22 November 2026", 700.0, 310.0, 26.0, 30);
    draw(
        &mut img,
        &regular,
        "Bill to: Marta Kowalska, 7 Rose Street, Glasgow G2 4AA",
        80.0,
        352.0,
        26.0,
        30,
    );
    let rows = [
        ("Description", "Qty", "Unit", "Amount"),
        ("Archive boxes A4", "40", "2.15", "86.00"),
        ("Document scanner service", "1", "120.00", "120.00"),
        ("Toner cartridge black", "3", "38.50", "115.50"),
        ("Delivery", "1", "9.90", "9.90"),
    ];
    for (i, (d, q, u, a)) in rows.iter().enumerate() {
        let y = 450.0 + i as f32 * 54.0;
        let font = if i == 0 { &bold } else { &regular };
        draw(&mut img, font, d, 80.0, y, 26.0, 25);
        draw(&mut img, font, q, 640.0, y, 26.0, 25);
        draw(&mut img, font, u, 780.0, y, 26.0, 25);
        draw(&mut img, font, a, 980.0, y, 26.0, 25);
        if i == 0 {
            for x in 80..1140 {
                img.put_pixel(x, (y + 40.0) as u32, Rgb([60, 60, 60]));
            }
        }
    }
    draw(&mut img, &regular, "Subtotal", 780.0, 760.0, 26.0, 25);
    draw(&mut img, &regular, "331.40", 980.0, 760.0, 26.0, 25);
    draw(&mut img, &regular, "VAT 20%", 780.0, 806.0, 26.0, 25);
    draw(&mut img, &regular, "66.28", 980.0, 806.0, 26.0, 25);
    draw(&mut img, &bold, "Total GBP", 780.0, 860.0, 28.0, 10);
    draw(&mut img, &bold, "397.68", 980.0, 860.0, 28.0, 10);
    draw(
        &mut img,
        &regular,
        "Payment within 30 days to IBAN GB33 BUKB 2020 1555 5555 55",
        80.0,
        960.0,
        22.0,
        50,
    );
    draw(
        &mut img,
        &regular,
        "Thank you for your business.",
        80.0,
        1000.0,
        22.0,
        50,
    );
    // A scanner rarely feeds paper perfectly straight.
    let tilted = rotate_about_centre(&img, 0.8f32.to_radians());
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample.png");
    tilted.save(&out)?;
    println!("wrote {}", out.display());
    Ok(())
}

fn rotate_about_centre(img: &RgbImage, angle: f32) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (c, s) = (angle.cos(), angle.sin());
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let (dx, dy) = (x as f32 - w / 2.0, y as f32 - h / 2.0);
        let (sx, sy) = (c * dx + s * dy + w / 2.0, -s * dx + c * dy + h / 2.0);
        if sx >= 0.0 && sy >= 0.0 && sx < w - 1.0 && sy < h - 1.0 {
            *img.get_pixel(sx as u32, sy as u32)
        } else {
            Rgb([250, 249, 245])
        }
    })
}
