//! Chinese resident identity cards (居民身份证) drawn for the tests, front and back,
//! in Droid Sans Fallback (Debian's `fonts-droid-fallback`, installed by the test
//! command): the labels small and blue as the card prints them, the values black.

use std::sync::OnceLock;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::{Rgb, RgbImage};

/// Droid Sans Fallback: Chinese, Latin and digits in one font.
pub const CJK_FONT_PATH: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

pub fn cjk_font() -> &'static FontVec {
    static FONT: OnceLock<FontVec> = OnceLock::new();
    FONT.get_or_init(|| super::load_font(CJK_FONT_PATH, "fonts-droid-fallback"))
}

/// The card's pale ground, its labels' blue and its values' black.
const GROUND: [u8; 3] = [241, 244, 248];
const LABEL: [u8; 3] = [40, 90, 160];
const VALUE: [u8; 3] = [20, 20, 20];

/// What the front of a card prints.
pub struct Front<'a> {
    pub name: &'a str,
    pub sex: &'a str,
    pub ethnicity: &'a str,
    /// As printed: `1990 年 1 月 2 日` (year, month and day apart).
    pub birth: &'a str,
    /// One or two lines.
    pub address: &'a [&'a str],
    pub number: &'a str,
}

fn blank() -> RgbImage {
    // 85.6 × 54 mm at about 300 dpi.
    RgbImage::from_pixel(1010, 640, Rgb(GROUND))
}

/// Draws `text`: Chinese in Droid Sans Fallback, which has no Latin letters or
/// digits, and those in DejaVu Sans, as a card's mixed typefaces do.
fn draw(img: &mut RgbImage, text: &str, x: f32, y: f32, size: f32, colour: [u8; 3]) {
    let mut caret = x;
    for c in text.chars() {
        let cjk = cjk_font();
        let font = if cjk.glyph_id(c).0 != 0 { cjk } else { super::font() };
        let piece = c.to_string();
        super::draw_with(font, img, &piece, (caret, y), size, colour);
        caret += font.as_scaled(PxScale::from(size)).h_advance(font.glyph_id(c));
    }
}

/// The front: name, sex and ethnicity, birth, address, the photo's place and the number.
pub fn front(card: &Front) -> RgbImage {
    let mut img = blank();
    let (label_x, value_x) = (70.0, 180.0);
    draw(&mut img, "姓名", label_x, 78.0, 26.0, LABEL);
    draw(&mut img, card.name, value_x, 72.0, 36.0, VALUE);
    draw(&mut img, "性别", label_x, 158.0, 26.0, LABEL);
    draw(&mut img, card.sex, value_x, 152.0, 34.0, VALUE);
    draw(&mut img, "民族", 320.0, 158.0, 26.0, LABEL);
    draw(&mut img, card.ethnicity, 420.0, 152.0, 34.0, VALUE);
    draw(&mut img, "出生", label_x, 238.0, 26.0, LABEL);
    draw(&mut img, card.birth, value_x, 232.0, 34.0, VALUE);
    draw(&mut img, "住址", label_x, 318.0, 26.0, LABEL);
    for (i, line) in card.address.iter().enumerate() {
        draw(&mut img, line, value_x, 312.0 + 52.0 * i as f32, 34.0, VALUE);
    }
    draw(&mut img, "公民身份号码", label_x, 520.0, 28.0, LABEL);
    draw(&mut img, card.number, 330.0, 512.0, 40.0, VALUE);
    // The photograph: a grey portrait's place, right of the fields.
    for y in 70..400 {
        for x in 700..940 {
            img.put_pixel(x, y, Rgb([196, 200, 206]));
        }
    }
    img
}

/// The back: the state's name, the card's title, the issuing office and the validity.
pub fn back(authority: &str, validity: &str) -> RgbImage {
    let mut img = blank();
    // The national emblem's place: a red disc at the top left.
    for y in 50..230 {
        for x in 60..240 {
            if (x as f32 - 150.0).hypot(y as f32 - 140.0) < 85.0 {
                img.put_pixel(x, y, Rgb([200, 40, 40]));
            }
        }
    }
    draw(&mut img, "中华人民共和国", 320.0, 80.0, 52.0, VALUE);
    draw(&mut img, "居民身份证", 360.0, 190.0, 72.0, VALUE);
    draw(&mut img, "签发机关", 170.0, 440.0, 28.0, VALUE);
    draw(&mut img, authority, 340.0, 436.0, 34.0, VALUE);
    draw(&mut img, "有效期限", 170.0, 530.0, 28.0, VALUE);
    draw(&mut img, validity, 340.0, 526.0, 34.0, VALUE);
    img
}
