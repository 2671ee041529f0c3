//! Text detection with DB (Differentiable Binarization): choosing the input size,
//! building the input tensor, and turning the probability map into line boxes.
//!
//! Post-processing follows the parameters RapidOCR 3.10 ships for PP-OCRv6
//! (`config.yaml`: thresh 0.3, box_thresh 0.5, unclip_ratio 1.6, 2×2 dilation,
//! "fast" box score, at most 1000 candidates).

use image::RgbImage;
use ndarray::{Array4, ArrayView2};

use crate::geometry::{Point, Quad, RotatedRect, bounds, convex_hull, min_area_rect, order_corners};

/// DB post-processing parameters.
#[derive(Clone, Debug)]
pub struct DbParams {
    /// Pixels with probability above this are text.
    pub thresh: f32,
    /// Boxes whose mean probability is below this are dropped.
    pub box_thresh: f32,
    pub max_candidates: usize,
    /// How far a shrunk text kernel is grown back: distance = area × ratio / perimeter.
    pub unclip_ratio: f32,
    /// Dilate the binary map with a 2×2 kernel before finding regions.
    pub dilate: bool,
    /// Regions whose short side is below this (in map pixels) are noise.
    pub min_size: f32,
}

impl Default for DbParams {
    fn default() -> Self {
        Self {
            thresh: 0.3,
            box_thresh: 0.5,
            max_candidates: 1000,
            unclip_ratio: 1.6,
            dilate: true,
            min_size: 3.0,
        }
    }
}

/// How the detection input size is chosen from the image.
///
/// RapidOCR scales every image so that its short side is at least 736 px, so a
/// 800×200 strip becomes 2944×736 and costs 13× the work. We keep that prior
/// for ordinary photos (a 1280×720 frame grows 2%), but bound the growth by the
/// long side, so strips and thumbnails stay small; and for a large page we
/// first look at a coarse copy: when its text is big (a receipt photographed
/// close up, a slide) the coarse detection is already exact enough, at a
/// quarter of the cost.
#[derive(Clone, Debug)]
pub struct DetSizePolicy {
    /// Images whose long side is above this are scaled down to it.
    pub max_long_side: u32,
    /// Images whose short side is below this are scaled up towards it...
    pub min_short_side: u32,
    /// ...but not so far that the long side passes this (unless it already
    /// does), and never by more than `max_upscale`.
    pub upscale_max_long_side: u32,
    pub max_upscale: f32,
    /// Pages larger than this are first detected with this long side; 0 turns the coarse pass off.
    pub coarse_long_side: u32,
    /// The coarse pass is kept when nearly all its boxes (all but the smallest
    /// tenth) are at least this tall, in coarse pixels. Below about 16 px lone
    /// narrow glyphs (a quantity "1") fall under DB's minimum region size.
    pub coarse_min_box_height: f32,
    /// When the coarse pass is not enough, run the second pass at the smallest
    /// scale the text needs rather than at the full size. Off by default: ~35%
    /// faster on 300-dpi pages, but boxes from a reduced pass move by a few pixels,
    /// which reorders some receipt lines (receipt CER 0.045 → 0.048 on the eval set).
    pub refine_to_text_size: bool,
}

impl Default for DetSizePolicy {
    fn default() -> Self {
        Self {
            max_long_side: 2048,
            min_short_side: 736,
            upscale_max_long_side: 1536,
            max_upscale: 4.0,
            coarse_long_side: 1024,
            coarse_min_box_height: 16.0,
            refine_to_text_size: false,
        }
    }
}

/// Where the page sits inside the detection tensor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DetGeometry {
    /// Size of the page after scaling, in tensor pixels.
    pub scaled_width: u32,
    pub scaled_height: u32,
    /// Tensor size (multiples of 32, page placed at `pad_top`, rest black).
    pub tensor_width: u32,
    pub tensor_height: u32,
    pub pad_top: u32,
    /// Tensor pixels per source pixel.
    pub scale_x: f32,
    pub scale_y: f32,
}

impl DetSizePolicy {
    /// Picks the scaled page size and the tensor around it for a `w × h` image.
    pub fn geometry(&self, w: u32, h: u32) -> DetGeometry {
        let (long, short) = (w.max(h) as f32, w.min(h) as f32);
        let mut scale = 1.0f32;
        if long > self.max_long_side as f32 {
            scale = self.max_long_side as f32 / long;
        } else if short < self.min_short_side as f32 {
            let long_cap = (self.upscale_max_long_side as f32 / long).max(1.0);
            scale = (self.min_short_side as f32 / short).min(long_cap).min(self.max_upscale);
        }
        Self::geometry_at(w, h, scale)
    }

    /// The side of the largest detection tensor any image can get: a square one at
    /// the size cap (strips are padded only up to a fraction of their width).
    pub fn largest_tensor_side(&self) -> u32 {
        self.max_long_side.max(self.upscale_max_long_side).div_ceil(32) * 32
    }

    /// The coarse first look at a large page, if the page is large enough to need one.
    pub fn coarse_geometry(&self, w: u32, h: u32) -> Option<DetGeometry> {
        let full = self.geometry(w, h);
        let full_long = full.scaled_width.max(full.scaled_height) as f32;
        // Only worth it when the coarse pass costs well under half the full one.
        if self.coarse_long_side == 0 || full_long < self.coarse_long_side as f32 * 1.5 {
            return None;
        }
        Some(Self::geometry_at(w, h, self.coarse_long_side as f32 / w.max(h) as f32))
    }

    /// After a coarse pass: `None` when its boxes are big enough there to be
    /// trusted, else the geometry of the second pass — the smallest scale at which
    /// the page's text reaches a safe height (with a margin), at most the full one.
    pub fn refine(&self, boxes: &[DetectedBox], coarse: &DetGeometry, w: u32, h: u32) -> Option<DetGeometry> {
        let full = self.geometry(w, h);
        if boxes.len() < 3 {
            return Some(full);
        }
        let mut heights: Vec<f32> = boxes
            .iter()
            .map(|b| b.quad[0].distance(b.quad[3]).min(b.quad[0].distance(b.quad[1])) * coarse.scale_y)
            .collect();
        heights.sort_by(f32::total_cmp);
        let small = heights[heights.len() / 10].max(1.0);
        if small >= self.coarse_min_box_height {
            return None;
        }
        let coarse_scale = coarse.scaled_height as f32 / h as f32;
        let full_scale = full.scaled_height as f32 / h as f32;
        let needed = coarse_scale * self.coarse_min_box_height * 1.25 / small;
        // Not worth a separate size when it is close to the full one.
        Some(if !self.refine_to_text_size || needed >= 0.8 * full_scale {
            full
        } else {
            Self::geometry_at(w, h, needed)
        })
    }

    fn geometry_at(w: u32, h: u32, scale: f32) -> DetGeometry {
        // The network needs sides in multiples of 32: each side is rounded to the
        // nearest one, as in PaddleOCR and RapidOCR, whose geometry these models'
        // accuracy was measured with (a 1280×720 photo becomes 1312×736).
        let round32 = |v: f32| ((v / 32.0).round() as u32).max(1) * 32;
        let scaled_width = round32(w as f32 * scale);
        let scaled_height = round32(h as f32 * scale);
        // A very flat strip (wider than 8:1) gets black bands above and below, as the
        // detector was trained on pages, not slivers.
        let min_height = (scaled_width / 8).max(32);
        let (tensor_height, pad_top) = if scaled_height < min_height {
            let total = round32(min_height as f32 * 2.0);
            (total, (total - scaled_height) / 2)
        } else {
            (scaled_height, 0)
        };
        DetGeometry {
            scaled_width,
            scaled_height,
            tensor_width: scaled_width,
            tensor_height,
            pad_top,
            scale_x: scaled_width as f32 / w as f32,
            scale_y: scaled_height as f32 / h as f32,
        }
    }
}

/// Builds the `[1, 3, H, W]` detection input: the page resized to the geometry's
/// size, BGR channel order, pixels mapped to `(x / 255 − 0.5) / 0.5`. Any padding
/// to the right and below repeats the page's edge pixels, so that no artificial
/// edge appears; the bands around a flat strip are black.
pub fn detection_input(scaled: &RgbImage, geometry: &DetGeometry) -> Array4<f32> {
    let (tw, th) = (geometry.tensor_width as usize, geometry.tensor_height as usize);
    let mut tensor = Array4::<f32>::from_elem((1, 3, th, tw), -1.0);
    let (sw, sh) = (scaled.width() as usize, scaled.height() as usize);
    if sw == 0 || sh == 0 {
        return tensor;
    }
    let top = geometry.pad_top as usize;
    // Rows the page covers, including replicated rows below it (not for strips).
    let rows = if top > 0 { sh.min(th - top) } else { th };
    let raw = scaled.as_raw();
    if let Some(slice) = tensor.as_slice_mut() {
        let plane = th * tw;
        for y in 0..rows {
            let src_y = y.min(sh - 1);
            let row = &raw[src_y * sw * 3..(src_y + 1) * sw * 3];
            let base = (y + top) * tw;
            for x in 0..tw {
                let px = &row[x.min(sw - 1) * 3..x.min(sw - 1) * 3 + 3];
                slice[base + x] = px[2] as f32 / 127.5 - 1.0;
                slice[plane + base + x] = px[1] as f32 / 127.5 - 1.0;
                slice[2 * plane + base + x] = px[0] as f32 / 127.5 - 1.0;
            }
        }
    }
    tensor
}

/// A detected text region in source-image coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectedBox {
    pub quad: Quad,
    /// Mean text probability inside the region.
    pub score: f32,
}

/// Turns a probability map (`tensor_height × tensor_width`) into text boxes in the
/// coordinates of the `src_w × src_h` source image.
pub fn boxes_from_map(
    map: ArrayView2<f32>,
    geometry: &DetGeometry,
    src_w: u32,
    src_h: u32,
    params: &DbParams,
) -> Vec<DetectedBox> {
    let (h, w) = map.dim();
    let mut bitmap: Vec<bool> = map.iter().map(|&p| p > params.thresh).collect();
    if params.dilate {
        bitmap = dilate_2x2(&bitmap, w, h);
    }
    let mut out = Vec::new();
    for region in connected_regions(&bitmap, w, h).into_iter().take(params.max_candidates) {
        let mut points = region;
        let hull = convex_hull(&mut points);
        let rect = min_area_rect(&hull);
        if rect.short_side() < params.min_size {
            continue;
        }
        let score = mean_inside(&map, &rect.corners());
        if score < params.box_thresh {
            continue;
        }
        let grown = unclip(&rect, params.unclip_ratio);
        if grown.short_side() < params.min_size + 2.0 {
            continue;
        }
        let corners = grown.corners().map(|p| {
            Point::new(
                (p.x / geometry.scale_x).round().clamp(0.0, src_w as f32 - 1.0),
                ((p.y - geometry.pad_top as f32) / geometry.scale_y)
                    .round()
                    .clamp(0.0, src_h as f32 - 1.0),
            )
        });
        let quad = order_corners(corners);
        if quad[0].distance(quad[1]) <= 3.0 || quad[0].distance(quad[3]) <= 3.0 {
            continue;
        }
        out.push(DetectedBox { quad, score });
    }
    out
}

/// Grows a text kernel back to the full text extent. For a rectangle the polygon
/// offset of DB's "unclip" is the same rectangle widened by the offset on all sides.
fn unclip(rect: &RotatedRect, ratio: f32) -> RotatedRect {
    let perimeter = 2.0 * (rect.width + rect.height);
    if perimeter <= 0.0 {
        return *rect;
    }
    let distance = rect.width * rect.height * ratio / perimeter;
    rect.expanded(distance)
}

/// Binary dilation with a 2×2 kernel anchored at its bottom-right cell (as OpenCV
/// anchors an even kernel): a pixel is set when it or its left, upper or
/// upper-left neighbour is set.
fn dilate_2x2(src: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut dst = src.to_vec();
    for y in 0..h {
        for x in 0..w {
            if dst[y * w + x] {
                continue;
            }
            let left = x > 0 && src[y * w + x - 1];
            let up = y > 0 && src[(y - 1) * w + x];
            let up_left = x > 0 && y > 0 && src[(y - 1) * w + x - 1];
            dst[y * w + x] = left || up || up_left;
        }
    }
    dst
}

/// 8-connected regions of set pixels, each given by the first and last pixel
/// centre of every row it spans (enough to build its convex hull), in the order
/// a raster scan meets them.
fn connected_regions(bitmap: &[bool], w: usize, h: usize) -> Vec<Vec<Point>> {
    let mut seen = vec![false; bitmap.len()];
    let mut regions = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    // (first, last) x of the region on each row, indexed from its top row.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for start in 0..bitmap.len() {
        if !bitmap[start] || seen[start] {
            continue;
        }
        // A raster scan meets a region first on its top row.
        let top = start / w;
        seen[start] = true;
        stack.push(start);
        spans.clear();
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let row = y - top;
            if spans.len() <= row {
                spans.resize(row + 1, (usize::MAX, 0));
            }
            let span = &mut spans[row];
            span.0 = span.0.min(x);
            span.1 = span.1.max(x);
            let (x0, x1) = (x.saturating_sub(1), (x + 1).min(w - 1));
            let (y0, y1) = (y.saturating_sub(1), (y + 1).min(h - 1));
            for ny in y0..=y1 {
                for nx in x0..=x1 {
                    let j = ny * w + nx;
                    if bitmap[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let mut points = Vec::with_capacity(spans.len() * 2);
        for (row, &(lo, hi)) in spans.iter().enumerate() {
            let y = (top + row) as f32;
            points.push(Point::new(lo as f32, y));
            if hi != lo {
                points.push(Point::new(hi as f32, y));
            }
        }
        regions.push(points);
    }
    regions
}

/// Mean of the map over the pixels whose centres lie inside a convex polygon
/// (DB's "fast" box score).
fn mean_inside(map: &ArrayView2<f32>, corners: &[Point; 4]) -> f32 {
    let (h, w) = map.dim();
    let (x0, y0, x1, y1) = bounds(corners);
    let ymin = (y0.floor().max(0.0) as usize).min(h - 1);
    let ymax = (y1.ceil().max(0.0) as usize).min(h - 1);
    let xmin = (x0.floor().max(0.0) as usize).min(w - 1);
    let xmax = (x1.ceil().max(0.0) as usize).min(w - 1);
    let (mut sum, mut count) = (0f64, 0usize);
    for y in ymin..=ymax {
        let Some((lo, hi)) = row_span(corners, y as f32) else {
            continue;
        };
        let lo = (lo.ceil().max(xmin as f32)) as usize;
        let hi = (hi.floor().min(xmax as f32)) as isize;
        if hi < lo as isize {
            continue;
        }
        for x in lo..=hi as usize {
            sum += map[[y, x]] as f64;
            count += 1;
        }
    }
    if count == 0 {
        // A sliver thinner than a pixel: score the nearest pixel.
        let c = Point::new((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        return map[[(c.y.max(0.0) as usize).min(h - 1), (c.x.max(0.0) as usize).min(w - 1)]];
    }
    (sum / count as f64) as f32
}

/// Where the horizontal line at `y` enters and leaves a convex polygon.
fn row_span(poly: &[Point], y: f32) -> Option<(f32, f32)> {
    let mut lo = f32::MAX;
    let mut hi = f32::MIN;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        if (a.y - y) * (b.y - y) > 0.0 {
            continue;
        }
        if a.y == b.y {
            lo = lo.min(a.x.min(b.x));
            hi = hi.max(a.x.max(b.x));
        } else {
            let t = (y - a.y) / (b.y - a.y);
            let x = a.x + t * (b.x - a.x);
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn no_image_gets_a_larger_tensor_than_the_largest() {
        let policy = DetSizePolicy::default();
        let largest = u64::from(policy.largest_tensor_side()).pow(2);
        for (w, h) in [
            (2048, 2048),
            (4000, 4000),
            (2047, 2049),
            (3000, 4000),
            (1280, 720),
            (800, 200),
            (200, 800),
        ]
        .into_iter()
        .chain([(9000, 40), (40, 9000), (1500, 1500), (10, 10), (1537, 1000)])
        {
            for g in std::iter::once(policy.geometry(w, h)).chain(policy.coarse_geometry(w, h)) {
                let area = u64::from(g.tensor_width) * u64::from(g.tensor_height);
                assert!(area <= largest, "{w}×{h} gets {}×{}", g.tensor_width, g.tensor_height);
            }
        }
    }

    fn identity_geometry(w: u32, h: u32) -> DetGeometry {
        DetGeometry {
            scaled_width: w,
            scaled_height: h,
            tensor_width: w,
            tensor_height: h,
            pad_top: 0,
            scale_x: 1.0,
            scale_y: 1.0,
        }
    }

    #[test]
    fn one_bright_rectangle_gives_one_grown_box() {
        let mut map = Array2::<f32>::zeros((64, 128));
        for y in 20..30 {
            for x in 10..90 {
                map[[y, x]] = 0.9;
            }
        }
        let boxes = boxes_from_map(map.view(), &identity_geometry(128, 64), 128, 64, &DbParams::default());
        assert_eq!(boxes.len(), 1);
        let b = &boxes[0];
        // Dilation adds an empty row and column to the region: 0.9 × (80×10)/(81×11).
        assert!((b.score - 0.808).abs() < 0.01, "score {}", b.score);
        // The kernel spans x 10..=89 (+1 from dilation) and y 20..=29 (+1); unclip grows
        // it by area*1.6/perimeter ≈ 7.3 px on every side.
        let (x0, y0, x1, y1) = bounds(&b.quad);
        assert!((x0 - 3.0).abs() <= 1.5 && (x1 - 97.0).abs() <= 1.5, "x {x0}..{x1}");
        assert!((y0 - 13.0).abs() <= 1.5 && (y1 - 37.0).abs() <= 1.5, "y {y0}..{y1}");
    }

    #[test]
    fn faint_and_tiny_regions_are_dropped() {
        let mut map = Array2::<f32>::zeros((64, 64));
        // Above thresh but below box_thresh on average.
        for y in 5..15 {
            for x in 5..40 {
                map[[y, x]] = 0.35;
            }
        }
        // A 2-pixel speck.
        map[[50, 50]] = 0.99;
        map[[50, 51]] = 0.99;
        let boxes = boxes_from_map(map.view(), &identity_geometry(64, 64), 64, 64, &DbParams::default());
        assert!(boxes.is_empty(), "{boxes:?}");
    }

    #[test]
    fn two_separate_lines_stay_separate() {
        let mut map = Array2::<f32>::zeros((80, 100));
        for (top, bottom) in [(10, 20), (40, 50)] {
            for y in top..bottom {
                for x in 5..95 {
                    map[[y, x]] = 0.95;
                }
            }
        }
        let boxes = boxes_from_map(map.view(), &identity_geometry(100, 80), 100, 80, &DbParams::default());
        assert_eq!(boxes.len(), 2);
    }

    #[test]
    fn boxes_are_mapped_back_to_source_scale() {
        let mut map = Array2::<f32>::zeros((64, 128));
        for y in 20..30 {
            for x in 10..90 {
                map[[y, x]] = 0.9;
            }
        }
        // The map is half the source size.
        let geometry = DetGeometry {
            scale_x: 0.5,
            scale_y: 0.5,
            ..identity_geometry(128, 64)
        };
        let boxes = boxes_from_map(map.view(), &geometry, 256, 128, &DbParams::default());
        let (x0, _, x1, _) = bounds(&boxes[0].quad);
        assert!((x0 - 6.0).abs() <= 3.0 && (x1 - 194.0).abs() <= 3.0, "x {x0}..{x1}");
    }

    #[test]
    fn size_policy_keeps_documents_at_their_own_scale() {
        let policy = DetSizePolicy::default();
        // A page keeps its scale, each side rounded to the nearest multiple of 32.
        let g = policy.geometry(1000, 1400);
        assert_eq!((g.scaled_width, g.scaled_height), (992, 1408));
        assert_eq!((g.tensor_width, g.tensor_height), (992, 1408));
        // A large scan comes down to the long-side limit.
        let g = policy.geometry(2480, 3508);
        assert_eq!((g.scaled_height, g.tensor_height), (2048, 2048));
        // A photo grows a little, as the detector expects a 736 px short side.
        let g = policy.geometry(1280, 720);
        assert_eq!((g.scaled_width, g.scaled_height), (1312, 736));
        // A 800×200 strip is not blown up to 2944×736, only to a 1536 px long side.
        let g = policy.geometry(800, 200);
        assert_eq!((g.scaled_width, g.scaled_height), (1536, 384));
        // A wide sliver gets black bands.
        let g = policy.geometry(1600, 40);
        assert!(g.tensor_height > g.scaled_height && g.pad_top > 0);
        // A tiny snippet is scaled up, at most 4×.
        let g = policy.geometry(100, 30);
        assert_eq!(g.scaled_width, 416);
        // Only pages well above the coarse size get a coarse first look.
        assert!(policy.coarse_geometry(1000, 1400).is_none());
        let coarse = policy
            .coarse_geometry(1654, 2339)
            .expect("A4 at 200 dpi gets a coarse pass");
        assert_eq!(coarse.scaled_height, 1024);
    }

    #[test]
    fn a_flat_strip_sits_between_black_bands() {
        let img = RgbImage::from_pixel(1600, 40, image::Rgb([255; 3]));
        let g = DetSizePolicy::default().geometry(1600, 40);
        let t = detection_input(&resize_for_test(&img, &g), &g);
        assert_eq!(t[[0, 0, 0, 10]], -1.0);
        assert_eq!(t[[0, 0, g.pad_top as usize + 5, 10]], 1.0);
        assert_eq!(t[[0, 0, g.tensor_height as usize - 1, 10]], -1.0);
    }

    fn resize_for_test(img: &RgbImage, g: &DetGeometry) -> RgbImage {
        image::imageops::resize(
            img,
            g.scaled_width,
            g.scaled_height,
            image::imageops::FilterType::Triangle,
        )
    }

    #[test]
    fn input_tensor_is_bgr_normalised() {
        let mut img = RgbImage::new(32, 32);
        img.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        let g = identity_geometry(32, 32);
        let t = detection_input(&img, &g);
        assert_eq!(t.shape(), &[1, 3, 32, 32]);
        assert_eq!(t[[0, 0, 0, 0]], -1.0); // blue
        assert_eq!(t[[0, 2, 0, 0]], 1.0); // red
    }
}
