//! What each stage of reading a page produced, kept when
//! [`EngineOptions::trace`](super::EngineOptions::trace) asks for it: the tool for
//! every accuracy problem (`ocrdesk ocr --debug-dir`). Recording costs nothing
//! when it is off; when on, it keeps one probability map and the stage outputs.

use image::{GrayImage, RgbImage};
use ndarray::ArrayView2;

use super::ctc::Decoded;
use super::detect::DetGeometry;
use super::page::{Candidate, UprightTurn};
use crate::result::{Line, PageOrientation};

/// Every pass over one page: the first on the image as given; a second on the
/// page turned upright when it lay sideways, upside down or skewed.
#[derive(Clone, Debug, Default)]
pub struct PageTrace {
    pub passes: Vec<PassTrace>,
}

/// One pass of the stages over a page (or over its upright view).
#[derive(Clone, Debug, Default)]
pub struct PassTrace {
    /// The page turned upright that this pass detected lines on (`None`: the
    /// image as given). Lines are still cut from the image as given.
    pub view: Option<RgbImage>,
    /// Stage 1: each detection pass's probability map (a coarse pass first, when
    /// the size policy runs one).
    pub detection_maps: Vec<DetectionMap>,
    /// Stages 1–2: the lines found, with the classifier's 0/180 probability.
    pub detected: Vec<Candidate>,
    /// Stage 3: how the page lies (only when looked for).
    pub orientation: Option<PageOrientation>,
    /// ... and the turn that makes it upright, when it does not lie well: the next
    /// pass reads the page turned by it, and this pass stops here.
    pub upright_turn: Option<UprightTurn>,
    /// Stages 4–5: each line as turned by the classifier, and its first reading.
    pub recognised: Vec<(Candidate, Decoded)>,
    /// Stage 6: after the second readings (flipped lines both ways, doubtful lines
    /// from a tighter crop): which crop won, and the reading kept.
    pub second_readings: Vec<(Candidate, Decoded)>,
    /// Stages 7–8: the lines kept, in reading order.
    pub kept: Vec<Line>,
}

/// The detector's text probability for every pixel of its input, as 0–255.
#[derive(Clone, Debug)]
pub struct DetectionMap {
    pub map: GrayImage,
    /// The input geometry: how the image was scaled and padded to the tensor.
    pub geometry: DetGeometry,
}

impl DetectionMap {
    pub(super) fn new(map: ArrayView2<f32>, geometry: DetGeometry) -> Self {
        let (h, w) = map.dim();
        let mut gray = GrayImage::new(w as u32, h as u32);
        for ((y, x), p) in map.indexed_iter() {
            gray.put_pixel(
                x as u32,
                y as u32,
                image::Luma([(p.clamp(0.0, 1.0) * 255.0).round() as u8]),
            );
        }
        Self { map: gray, geometry }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn probabilities_become_grey_levels() {
        let geometry = DetGeometry {
            scaled_width: 3,
            scaled_height: 1,
            tensor_width: 3,
            tensor_height: 1,
            pad_top: 0,
            scale_x: 1.0,
            scale_y: 1.0,
        };
        let map = array![[0.0f32, 0.5, 1.2]];
        let d = DetectionMap::new(map.view(), geometry);
        assert_eq!(d.map.as_raw(), &vec![0u8, 128, 255]);
    }
}
