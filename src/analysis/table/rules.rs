//! Ruling lines: the long, thin horizontal and vertical strokes that draw a
//! table's grid, darker or lighter than the paper around them (black rules on
//! white paper, white rules on a tinted table).

use image::GrayImage;

/// One ruling line, in page pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    pub horizontal: bool,
    /// The y of a horizontal rule, the x of a vertical one.
    pub position: f32,
    /// Where it starts and ends along its length.
    pub start: f32,
    pub end: f32,
}

impl Rule {
    pub fn length(&self) -> f32 {
        self.end - self.start
    }
}

/// How much a pixel must stand out from both sides of it to be part of a rule.
const CONTRAST: i16 = 28;
/// Rules up to this thick are found; thicker strokes are shapes, not rules.
const MAX_THICKNESS: usize = 4;
/// Breaks in a rule up to this long are bridged (crossings, faint spots).
const MAX_BREAK: usize = 4;
/// A horizontal rule is this many text heights long at least (longer than two
/// characters are wide)…
const MIN_HORIZONTAL_HEIGHTS: f32 = 2.0;
/// … and this many pixels at least.
const MIN_HORIZONTAL_PX: f32 = 12.0;
/// A vertical rule is this many text heights tall at least (taller than a line
/// of text)…
const MIN_VERTICAL_HEIGHTS: f32 = 1.25;
/// … and this many pixels at least.
const MIN_VERTICAL_PX: f32 = 10.0;
/// Runs are gathered this many times shorter than a rule: a rule drawn a little
/// aslant is a staircase of short runs.
const RUNS_PER_RULE: usize = 3;
/// A rule rises at most one pixel (beyond its thickness) per this many along it:
/// no steeper than about 3°.
const RUN_PER_RISE: usize = 16;
/// A rule takes runs from pixel rows up to this many below its last one.
const MAX_ROW_STEP: usize = 2;

/// Finds the rules on a page. `text_height` (a typical line's height) scales the
/// shortest rule kept: a horizontal one must be longer than two characters are
/// wide, a vertical one taller than a line of text, so strokes of letters never count.
pub fn find_rules(gray: &GrayImage, text_height: f32) -> Vec<Rule> {
    let min_horizontal = (MIN_HORIZONTAL_HEIGHTS * text_height).max(MIN_HORIZONTAL_PX) as usize;
    let min_vertical = (MIN_VERTICAL_HEIGHTS * text_height).max(MIN_VERTICAL_PX) as usize;
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let pixels = gray.as_raw();
    // Runs are gathered short and joined.
    let mut rules = runs_to_rules(
        &thin_line_runs(pixels, w, h, min_horizontal / RUNS_PER_RULE),
        true,
        min_horizontal,
    );
    let transposed = transpose(pixels, w, h);
    rules.extend(runs_to_rules(
        &thin_line_runs(&transposed, h, w, min_vertical / RUNS_PER_RULE),
        false,
        min_vertical,
    ));
    rules
}

fn transpose(pixels: &[u8], w: usize, h: usize) -> Vec<u8> {
    let mut out = vec![0u8; pixels.len()];
    for y in 0..h {
        for x in 0..w {
            out[x * h + y] = pixels[y * w + x];
        }
    }
    out
}

/// A horizontal run of rule pixels in one pixel row: (row, first x, last x).
type Run = (usize, usize, usize);

/// Runs of pixels that stand out from the pixels above and below them (a thin
/// horizontal stroke), at least `min_len` long, in a `w`×`h` row-major image.
fn thin_line_runs(pixels: &[u8], w: usize, h: usize, min_len: usize) -> Vec<Run> {
    let k = MAX_THICKNESS;
    let mut runs = Vec::new();
    if h < 2 * k + 1 {
        return runs;
    }
    let at = |x: usize, y: usize| i16::from(pixels[y * w + x]);
    for y in k..h - k {
        let mut start: Option<usize> = None;
        let mut last_hit = 0usize;
        for x in 0..w {
            let v = at(x, y);
            let (mut above_max, mut above_min, mut below_max, mut below_min) = (i16::MIN, i16::MAX, i16::MIN, i16::MAX);
            for d in 1..=k {
                let a = at(x, y - d);
                let b = at(x, y + d);
                above_max = above_max.max(a);
                above_min = above_min.min(a);
                below_max = below_max.max(b);
                below_min = below_min.min(b);
            }
            let darker = above_max.min(below_max) - v;
            let lighter = v - above_min.max(below_min);
            let hit = darker >= CONTRAST || lighter >= CONTRAST;
            if hit {
                if start.is_none() {
                    start = Some(x);
                }
                last_hit = x;
            } else if let Some(s) = start
                && x - last_hit > MAX_BREAK
            {
                if last_hit + 1 - s >= min_len {
                    runs.push((y, s, last_hit));
                }
                start = None;
            }
        }
        if let Some(s) = start
            && last_hit + 1 - s >= min_len
        {
            runs.push((y, s, last_hit));
        }
    }
    runs
}

/// Joins runs in neighbouring pixel rows (a rule a few pixels thick, or drawn
/// aslant) into rules at least `min_len` long and no steeper than about 3°.
fn runs_to_rules(runs: &[Run], horizontal: bool, min_len: usize) -> Vec<Rule> {
    struct Open {
        first_row: usize,
        last_row: usize,
        x0: usize,
        x1: usize,
        row_sum: usize,
        runs: usize,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut done = Vec::new();
    let mut close = |r: Open| {
        let length = r.x1 + 1 - r.x0;
        let rise = r.last_row - r.first_row;
        if length >= min_len && rise <= MAX_THICKNESS + length / RUN_PER_RISE {
            done.push(Rule {
                horizontal,
                position: r.row_sum as f32 / r.runs as f32,
                start: r.x0 as f32,
                end: r.x1 as f32 + 1.0,
            });
        }
    };
    for &(y, x0, x1) in runs {
        // Rules whose last row is too far above can take no more runs.
        let mut i = 0;
        while i < open.len() {
            if open[i].last_row + MAX_ROW_STEP < y {
                close(open.swap_remove(i));
            } else {
                i += 1;
            }
        }
        let touching = open
            .iter_mut()
            .find(|r| x0 <= r.x1 + MAX_BREAK && x1 + MAX_BREAK >= r.x0 && r.last_row < y);
        match touching {
            Some(r) => {
                r.last_row = y;
                r.x0 = r.x0.min(x0);
                r.x1 = r.x1.max(x1);
                r.row_sum += y;
                r.runs += 1;
            }
            None => open.push(Open {
                first_row: y,
                last_row: y,
                x0,
                x1,
                row_sum: y,
                runs: 1,
            }),
        }
    }
    open.into_iter().for_each(&mut close);
    done.sort_by(|a, b| a.position.total_cmp(&b.position).then(a.start.total_cmp(&b.start)));
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn dark_and_light_rules_are_found_and_letters_are_not() {
        let mut page = GrayImage::from_pixel(200, 120, Luma([200]));
        // A black rule 2 px thick, a white rule on the tinted paper, a vertical rule.
        for x in 10..190 {
            page.put_pixel(x, 20, Luma([0]));
            page.put_pixel(x, 21, Luma([0]));
            page.put_pixel(x, 60, Luma([255]));
        }
        for y in 20..100 {
            page.put_pixel(100, y, Luma([40]));
        }
        // A letter-sized stroke: too short for either direction.
        for x in 30..40 {
            page.put_pixel(x, 90, Luma([0]));
        }
        let rules = find_rules(&page, 16.0);
        let horizontal: Vec<_> = rules.iter().filter(|r| r.horizontal).collect();
        assert_eq!(horizontal.len(), 2, "{rules:?}");
        assert!((horizontal[0].position - 20.5).abs() < 0.01);
        assert_eq!((horizontal[0].start, horizontal[0].end), (10.0, 190.0));
        assert_eq!(horizontal[1].position, 60.0);
        let vertical: Vec<_> = rules.iter().filter(|r| !r.horizontal).collect();
        assert_eq!(vertical.len(), 1, "{rules:?}");
        assert_eq!(vertical[0].position, 100.0);
        // The crossings break the vertical rule for a pixel or two; it is bridged.
        assert!(
            vertical[0].start <= 23.0 && vertical[0].end >= 99.0,
            "{:?}",
            vertical[0]
        );
    }
}
