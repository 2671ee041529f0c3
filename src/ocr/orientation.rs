//! Page orientation (0/90/180/270) and skew, from the lines the detector found.
//!
//! Each line crop knows the direction its text reads once the 0/180 classifier
//! has turned it: from its first corner to its second. The page's orientation is
//! the quarter turn most of the line length agrees on; its skew is the
//! length-weighted median of the lines' remaining angles. A page that is not
//! upright is turned upright (quarter turns are exact pixel moves, skew is
//! resampled) and read again; boxes are mapped back to the original image.

use super::crop::LineCrop;
use crate::geometry::Point;
use crate::result::PageOrientation;

/// Lines shorter than this many heights say little about their direction (a
/// lone digit is as tall as it is wide) and do not vote.
const MIN_VOTING_ASPECT: f32 = 2.0;

/// How far a line's tilt may be from the page's skew and still agree with it.
pub const SKEW_AGREEMENT_DEGREES: f32 = 3.0;

/// Estimates the page's orientation from its line crops as cut (before any
/// 0/180 turn) and the classifier's probability that each reads upside down.
/// The evidence is soft: an unsure line votes a little for both ways.
///
/// Also returns how sure the lines are, as lines and not length: the chance
/// that most of them read the way found ([`majority_sure`]). Twenty lines of
/// which two vote the other way settle a page; two lines of which one does not.
pub fn estimate(crops: &[LineCrop], p_upside_down: &[f32], unsure_below: f32) -> (PageOrientation, f32) {
    let mut weight = [0f32; 4];
    let mut votes = [0f32; 4];
    let mut residuals: [Vec<(f32, f32)>; 2] = Default::default();
    for (i, crop) in crops.iter().enumerate() {
        if crop.aspect_ratio() < MIN_VOTING_ASPECT {
            continue;
        }
        let angle = reading_angle(crop);
        let quarter = (angle / 90.0).round();
        let q = (quarter as i32).rem_euclid(4) as usize;
        let p = p_upside_down.get(i).copied().unwrap_or(0.0).clamp(0.0, 1.0);
        weight[q] += crop.width * (1.0 - p);
        weight[(q + 2) % 4] += crop.width * p;
        votes[q] += 1.0 - p;
        votes[(q + 2) % 4] += p;
        // The tilt is the same whichever way the line reads.
        residuals[q % 2].push((angle - quarter * 90.0, crop.width));
    }
    let total: f32 = weight.iter().sum();
    if total <= 0.0 {
        let found = PageOrientation {
            // Boxes but no line long enough to vote: say so.
            unsure: !crops.is_empty(),
            ..PageOrientation::default()
        };
        return (found, 0.5);
    }
    let best = (0..4).max_by(|&a, &b| weight[a].total_cmp(&weight[b])).unwrap_or(0);
    let confidence = weight[best] / total;
    let along = &mut residuals[best % 2];
    let skew = weighted_median(along);
    let agree = |r: &&(f32, f32)| (r.0 - skew).abs() <= SKEW_AGREEMENT_DEGREES;
    let skew_lines = along.iter().filter(agree).count();
    let found = PageOrientation {
        direction: ((4 - best) % 4) as u16 * 90,
        skew,
        confidence,
        unsure: confidence < unsure_below,
        skew_lines,
        mixed: false,
        straightened: 0.0,
    };
    let against: f32 = votes.iter().sum::<f32>() - votes[best];
    (found, majority_sure(votes[best], against))
}

/// The chance that more than half of a page's lines read one way, given `agree`
/// lines voting for it and `against` voting otherwise (soft counts): with no
/// prior knowledge of the share θ of lines reading that way, θ follows
/// Beta(agree + 1, against + 1), and this is P(θ > ½), by Simpson's rule.
pub fn majority_sure(agree: f32, against: f32) -> f32 {
    // Enough steps that a peak as narrow as a thousand lines' is sampled finely.
    const STEPS: usize = 2000;
    // Simpson's rule over each half on its own needs an even number of steps in each.
    const _: () = assert!(STEPS.is_multiple_of(4));
    let (a, b) = (f64::from(agree.max(0.0)), f64::from(against.max(0.0)));
    // The log density up to a constant; a count of zero contributes nothing (t⁰ = 1
    // even at t = 0), a positive one makes its end of the interval -inf (no mass).
    let term = |count: f64, t: f64| if count == 0.0 { 0.0 } else { count * t.ln() };
    let h = 1.0 / STEPS as f64;
    let points: Vec<f64> = (0..=STEPS)
        .map(|i| {
            let t = i as f64 * h;
            term(a, t) + term(b, 1.0 - t)
        })
        .collect();
    let peak = points.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut above, mut all) = (0.0, 0.0);
    for (i, lp) in points.iter().enumerate() {
        let simpson = if i == 0 || i == STEPS {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        let mass = simpson * (lp - peak).exp();
        all += mass;
        if 2 * i > STEPS {
            above += mass;
        } else if 2 * i == STEPS {
            // The middle point ends one half and starts the other.
            above += mass / 2.0;
        }
    }
    if all > 0.0 { (above / all) as f32 } else { 0.5 }
}

/// The quarter turn (0–3, clockwise) a crop reads along as cut.
pub fn quarter_of(crop: &LineCrop) -> usize {
    ((reading_angle(crop) / 90.0).round() as i32).rem_euclid(4) as usize
}

/// The quarter turn (0–3, clockwise) each line reads along, as its crop is cut
/// once turned the way it reads, and whether the page holds more than one. A
/// line too short to show its direction (a lone digit is as tall as it is wide)
/// takes the direction of the nearest line that shows one.
pub fn line_directions(crops: &[LineCrop]) -> (Vec<usize>, bool) {
    let shows = |c: &LineCrop| c.aspect_ratio() >= MIN_VOTING_ASPECT;
    let centre = |c: &LineCrop| {
        let sum = c
            .corners
            .iter()
            .fold(Point::new(0.0, 0.0), |s, p| Point::new(s.x + p.x, s.y + p.y));
        Point::new(sum.x / 4.0, sum.y / 4.0)
    };
    let showing: Vec<(Point, usize)> = crops
        .iter()
        .filter(|c| shows(c))
        .map(|c| (centre(c), quarter_of(c)))
        .collect();
    let directions = crops
        .iter()
        .map(|c| {
            if shows(c) {
                return quarter_of(c);
            }
            let at = centre(c);
            showing
                .iter()
                .min_by(|a, b| distance2(a.0, at).total_cmp(&distance2(b.0, at)))
                .map_or(0, |&(_, q)| q)
        })
        .collect();
    let first = showing.first().map(|s| s.1);
    let mixed = showing.iter().any(|s| Some(s.1) != first);
    (directions, mixed)
}

fn distance2(a: Point, b: Point) -> f32 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

/// Clockwise angle, in degrees, of the direction a crop reads in (image y points down).
fn reading_angle(crop: &LineCrop) -> f32 {
    let (a, b) = (crop.corners[0], crop.corners[1]);
    (b.y - a.y).atan2(b.x - a.x).to_degrees()
}

fn weighted_median(values: &mut [(f32, f32)]) -> f32 {
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = values.iter().map(|v| v.1).sum::<f32>() / 2.0;
    let mut acc = 0.0;
    for &(v, w) in values.iter() {
        acc += w;
        if acc >= half {
            return v;
        }
    }
    0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A crop of a line `len` long and 20 high reading at `angle` degrees clockwise.
    fn crop_at(angle: f32, len: f32) -> LineCrop {
        let (s, c) = angle.to_radians().sin_cos();
        let a = Point::new(500.0, 500.0);
        let b = Point::new(a.x + c * len, a.y + s * len);
        let d = Point::new(a.x - s * 20.0, a.y + c * 20.0);
        let e = Point::new(b.x - s * 20.0, b.y + c * 20.0);
        LineCrop {
            corners: [a, b, e, d],
            width: len,
            height: 20.0,
        }
    }

    fn estimate(crops: &[LineCrop], unsure_below: f32) -> PageOrientation {
        super::estimate(crops, &vec![0.0; crops.len()], unsure_below).0
    }

    #[test]
    fn many_agreeing_lines_settle_the_page_and_a_few_do_not() {
        assert!(majority_sure(18.0, 2.0) > 0.999);
        assert!(majority_sure(37.0, 10.0) > 0.999);
        // One line for, one against: a coin toss.
        assert!((majority_sure(1.0, 1.0) - 0.5).abs() < 1e-3);
        // Beta(3, 1): P(θ > ½) = 1 − ½³ = 0.875.
        assert!((majority_sure(2.0, 0.0) - 0.875).abs() < 1e-3);
        assert!(majority_sure(2.0, 0.5) < 0.95);
        assert!(majority_sure(0.0, 5.0) < 0.05);
        // No votes at all: nothing known.
        assert!((majority_sure(0.0, 0.0) - 0.5).abs() < 1e-3);
    }

    #[test]
    fn the_page_is_as_sure_as_its_lines_agree() {
        let many: Vec<LineCrop> = (0..20).map(|_| crop_at(0.0, 300.0)).collect();
        let mut p = vec![0.0; 20];
        p[0] = 1.0;
        p[1] = 1.0;
        let (found, sure) = super::estimate(&many, &p, 0.8);
        assert_eq!(found.direction, 0);
        assert!((found.confidence - 0.9).abs() < 1e-3 && sure > 0.999);
        let (_, few) = super::estimate(&many[..2], &[0.0, 0.7], 0.8);
        assert!(few < 0.95);
    }

    #[test]
    fn the_classifier_decides_between_opposite_turns_softly() {
        // Two lines cut reading left to right; the classifier thinks both are
        // probably upside down, though neither clears a 0.9 threshold.
        let crops = [crop_at(0.0, 300.0), crop_at(0.0, 300.0)];
        let (found, _) = super::estimate(&crops, &[0.8, 0.85], 0.8);
        assert_eq!(found.direction, 180);
        assert!((found.confidence - 0.825).abs() < 1e-3);
    }

    #[test]
    fn the_page_turn_is_the_one_most_line_length_agrees_on() {
        let upright = estimate(&[crop_at(0.5, 300.0), crop_at(-0.5, 200.0), crop_at(0.0, 100.0)], 0.8);
        assert_eq!(upright.direction, 0);
        assert!(upright.skew.abs() < 0.6 && upright.confidence == 1.0 && !upright.unsure);

        // Text reading downwards: the page was turned a quarter clockwise, so a
        // quarter anticlockwise (270° clockwise) makes it upright.
        let down = estimate(
            &[crop_at(93.0, 400.0), crop_at(92.0, 300.0), crop_at(-90.0, 100.0)],
            0.8,
        );
        assert_eq!(down.direction, 270);
        assert!((down.skew - 2.0).abs() < 1.1, "{down:?}");
        assert!((down.confidence - 0.875).abs() < 1e-3);

        assert_eq!(estimate(&[crop_at(180.0, 300.0)], 0.8).direction, 180);
        assert_eq!(estimate(&[crop_at(-88.0, 300.0)], 0.8).direction, 90);
        // Half the text one way, half the other: unsure.
        assert!(estimate(&[crop_at(0.0, 300.0), crop_at(90.0, 300.0)], 0.8).unsure);
        // Short boxes do not vote.
        let short = estimate(&[crop_at(90.0, 30.0)], 0.8);
        assert_eq!((short.direction, short.unsure), (0, true));
    }
}
